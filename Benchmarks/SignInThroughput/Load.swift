import BenchmarkSupport
import CountersignCore
import Foundation
import Synchronization

/// The load: a client key made over the admin API, the phone fleet, and the relying parties, run
/// against a server at `server`; with the CPU each process spent while it ran.
struct Load: Sendable {
    let http: BenchHTTP
    let gateway: GatewayProcess
    let adminToken: String
    let phones: [FleetPhone]
    let users: Int
    let signIns: Int
    let concurrency: Int
    /// With several nodes: once this many sign-ins are done, the first node is killed (SIGKILL).
    var killNodeAfter = 0

    struct Measured: Sendable {
        var elapsed: Duration
        var timings: [SignInTiming]
        /// CPU seconds spent during the run by this process, the gateway, and a separate server.
        var selfCPU: Double?
        var gatewayCPU: Double?
        var serverCPU: Double?
        /// The PostgreSQL server's processes, when the store is PostgreSQL.
        var postgresCPU: Double?
        /// When the first node was killed, if it was.
        var killedAt: Date?
        /// Requests made again at a live node because theirs died under them.
        var retried = 0
        /// After a kill: pushes another node sent once the dead node's lease ran out, the longest
        /// time from queueing to sending among them (ms), and pushes left queued or claimed.
        var takenOver: (count: Int, longest: Double, left: Int)?
    }

    /// `servers` are the nodes' URLs; `serverPids` their processes when they run apart.
    func run(servers: [String], serverPids: [Int32], postgres: Bool = false) async throws -> Measured {
        let server = servers[0]
        let route = NodeRoute(servers: servers)
        // A killed node's CPU is taken as it was just before the kill.
        let lastCPU = Shared<[Int32: Double]>([:])
        let serversCPU: @Sendable () -> Double? = {
            guard !serverPids.isEmpty else { return nil }
            return lastCPU.value.withLock { last in
                for pid in serverPids { if let now = ProcessCPU.seconds(pid: pid) { last[pid] = now } }
                return last.values.reduce(0, +)
            }
        }
        let killedAt = Shared<Date?>(nil)
        let client = try await http.send(
            .POST, server + "/v1/clients", body: Data(#"{"name":"bench"}"#.utf8),
            headers: [("Authorization", "Bearer \(adminToken)")], as: CreatedClient.self)
        let board = NumberBoard()
        let timings = Timings()
        let fleet = PhoneFleet(
            http: http, route: route, gatewayControl: gateway.controlURL.absoluteString,
            phones: Dictionary(uniqueKeysWithValues: phones.map { ($0.token, $0) }), board: board, timings: timings)
        let relyingParties = RelyingParties(
            http: http, route: route, apiKey: client.apiKey, users: users, board: board, timings: timings)

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await fleet.run() }
            if killNodeAfter > 0, let victim = serverPids.first {
                group.addTask {
                    while await timings.completed() < killNodeAfter { try await Task.sleep(for: .milliseconds(5)) }
                    _ = serversCPU()
                    // Out of the load balancer first, as its health check would have it, then killed.
                    route.markDead(0)
                    kill(victim, SIGKILL)
                    killedAt.value.withLock { $0 = Date() }
                    print("  node 1 killed (SIGKILL) after \(killNodeAfter) sign-ins")
                }
            }
            print("Running \(signIns) sign-ins, \(concurrency) at a time…")
            let cpuBefore = (ProcessCPU.seconds(), ProcessCPU.seconds(pid: gateway.pid), serversCPU())
            let postgresBefore = postgres ? ProcessCPU.seconds(ofProcessesNamed: "postgres") : nil
            let started = ContinuousClock.now
            try await relyingParties.run(signIns: signIns, concurrency: concurrency)
            let elapsed = ContinuousClock.now - started
            let cpuAfter = (ProcessCPU.seconds(), ProcessCPU.seconds(pid: gateway.pid), serversCPU())
            let postgresAfter = postgres ? ProcessCPU.seconds(ofProcessesNamed: "postgres") : nil
            group.cancelAll()
            func spent(_ before: Double?, _ after: Double?) -> Double? { after.flatMap { a in before.map { a - $0 } } }
            return Measured(
                elapsed: elapsed, timings: await timings.all(), selfCPU: spent(cpuBefore.0, cpuAfter.0),
                gatewayCPU: spent(cpuBefore.1, cpuAfter.1), serverCPU: spent(cpuBefore.2, cpuAfter.2),
                postgresCPU: spent(postgresBefore, postgresAfter), killedAt: killedAt.value.withLock { $0 },
                retried: route.retried)
        }
    }
}

/// A value several tasks of the load share.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
