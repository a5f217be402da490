import Synchronization

/// Which node each request of a sign-in goes to. The application starts sign-ins round robin; the
/// phone answers at one node and the application's long-poll waits at the next one, so with two
/// or more nodes every answer has to cross from one node to another to wake its long-poll.
///
/// A node marked dead (`--kill-node-after`) gets nothing more, as a load balancer's health check
/// would have it: its share goes to the next live node. A request that was on its way to it when it
/// died is made once more at a live node (`retrying`), and counted.
final class NodeRoute: Sendable {
    let servers: [String]
    private let dead = Mutex<Set<Int>>([])
    private let retries = Mutex(0)

    init(servers: [String]) { self.servers = servers }

    func start(ticket: Int) -> String { live(ticket) }
    func answer(_ transactionId: String) -> String { live(Self.index(transactionId)) }
    func longPoll(_ transactionId: String) -> String { live(Self.index(transactionId) + 1) }

    /// The same for a transaction in every part of this process (String's hash is seeded per run).
    static func index(_ transactionId: String) -> Int {
        transactionId.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }
    }

    /// The node at `position`, or the first live one after it.
    func live(_ position: Int) -> String {
        let dead = self.dead.withLock { $0 }
        for step in 0..<servers.count where !dead.contains((position + step) % servers.count) {
            return servers[(position + step) % servers.count]
        }
        return servers[position % servers.count]
    }

    func markDead(_ index: Int) { _ = dead.withLock { $0.insert(index) } }

    func isDead(_ server: String) -> Bool {
        guard let index = servers.firstIndex(of: server) else { return false }
        return dead.withLock { $0.contains(index) }
    }

    /// Requests made again at a live node because theirs died under them.
    var retried: Int { retries.withLock { $0 } }

    /// `request` at `server`; when it fails because that node died, once more at `fallback()`, a
    /// live node. A failure at a live node is the benchmark's failure.
    func retrying<T: Sendable>(
        _ server: String, fallback: () -> String, _ request: (String) async throws -> T
    ) async throws -> T {
        do {
            return try await request(server)
        } catch  where isDead(server) {
            retries.withLock { $0 += 1 }
            return try await request(fallback())
        }
    }
}
