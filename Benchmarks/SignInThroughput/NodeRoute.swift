/// Which node each request of a sign-in goes to. The application starts sign-ins round robin; the
/// phone answers at one node and the application's long-poll waits at the next one, so with two
/// or more nodes every answer has to cross from one node to another to wake its long-poll.
struct NodeRoute: Sendable {
    let servers: [String]

    func start(ticket: Int) -> String { servers[ticket % servers.count] }
    func answer(_ transactionId: String) -> String { servers[Self.index(transactionId) % servers.count] }
    func longPoll(_ transactionId: String) -> String { servers[(Self.index(transactionId) + 1) % servers.count] }

    /// The same for a transaction in every part of this process (String's hash is seeded per run).
    static func index(_ transactionId: String) -> Int {
        transactionId.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }
    }
}
