import BenchmarkSupport
import CountersignCore
import Foundation

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

    struct Measured: Sendable {
        var elapsed: Duration
        var timings: [SignInTiming]
        /// CPU seconds spent during the run by this process, the gateway, and a separate server.
        var selfCPU: Double?
        var gatewayCPU: Double?
        var serverCPU: Double?
        /// The PostgreSQL server's processes, when the store is PostgreSQL.
        var postgresCPU: Double?
    }

    /// `servers` are the nodes' URLs; `serverPids` their processes when they run apart.
    func run(servers: [String], serverPids: [Int32], postgres: Bool = false) async throws -> Measured {
        let server = servers[0]
        let route = NodeRoute(servers: servers)
        func serversCPU() -> Double? {
            serverPids.isEmpty ? nil : serverPids.compactMap { ProcessCPU.seconds(pid: $0) }.reduce(0, +)
        }
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
                postgresCPU: spent(postgresBefore, postgresAfter))
        }
    }
}
