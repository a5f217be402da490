import BenchmarkSupport
import CountersignCore
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Completed push sign-ins per second through the whole path, the time the server adds to each,
/// and the CPU each process spent per sign-in.
///
/// The server runs in this process (router, push dispatcher, timeout sweeper, SQLite file with
/// `synchronous = FULL`), or with `--server-process` as the real `countersign server` binary in
/// its own process, so that its CPU is counted apart from the load's. The gateway emulator runs as
/// its own process. Relying parties call `POST /v1/auth` and then long-poll `GET /v1/auth/{txid}`; a
/// fleet of simulated phones reads the gateway's deliveries, opens the challenge sealed in each push
/// (or with `--without-push-keys` fetches it over the signed device API), checks its signature and
/// approves with the number.
///
///     swift build -c release --product signin-benchmark --product countersign-phone --product countersign
///     .build/release/signin-benchmark [--devices 10000] [--signins 20000] [--concurrency 64] [--server-process]
///         [--without-push-keys] [--history N] [--postgres [--nodes N]]
///
/// With `--postgres` (and COUNTERSIGN_BENCH_POSTGRES_URL naming a server such as
/// `scripts/postgres-throwaway.sh` starts) the store is
/// PostgreSQL, in a schema of the run's own, and `--nodes N` real servers share it: sign-ins start
/// round robin, and each answer is given at one node and long-polled at the next, so "answer →
/// long-poll returns" is the cross-node wake-up.
@main
struct SignInBenchmark {
    static func main() async throws {
        let arguments = Arguments(
            benchmark: "signin-benchmark",
            summary: "push sign-ins through the whole path: relying parties, the server, the gateway and phones",
            options: [
                .number("--devices", 10_000, "phones paired, one user each"),
                .number("--signins", 20_000, "sign-ins to complete"),
                .number("--concurrency", 64, "relying parties at once"),
                .flag("--server-process", "run the real countersign server binary as its own process"),
                .flag("--without-push-keys", "pair phones without push keys: each push is followed by a fetch"),
                .number("--history", 0, "past sign-ins seeded per user before the load"),
                .flag(
                    "--postgres",
                    "the store is PostgreSQL, at $COUNTERSIGN_BENCH_POSTGRES_URL, in a schema of the run's own"),
                .number("--nodes", 1, "with --postgres: countersign server nodes sharing the database"),
                .number(
                    "--postgres-floor", 0,
                    "with --postgres: first time this many reads of one and two statements through the store"),
                .number(
                    "--kill-node-after", 0,
                    "with --nodes 2 or more: SIGKILL the first node once this many sign-ins are done (0: never)"),
            ])
        let deviceCount = arguments.int("--devices")
        let signIns = arguments.int("--signins")
        let concurrency = arguments.int("--concurrency")
        let separateServer = arguments.has("--server-process")
        // The path of phones paired before push keys: each push is followed by a signed fetch.
        let withoutPushKeys = arguments.has("--without-push-keys")
        // Past sign-ins per user, to show that a sign-in's cost does not grow with them.
        let history = arguments.int("--history")
        let postgresServer =
            arguments.has("--postgres")
            ? ProcessInfo.processInfo.environment["COUNTERSIGN_BENCH_POSTGRES_URL"] ?? "" : ""
        guard arguments.has("--postgres") == !postgresServer.isEmpty else {
            throw BenchFailure("--postgres needs COUNTERSIGN_BENCH_POSTGRES_URL, a PostgreSQL server's URL")
        }
        let nodes = arguments.int("--nodes")
        guard postgresServer.isEmpty ? nodes == 1 : (separateServer && (1...8).contains(nodes)) else {
            throw BenchFailure("--nodes needs --postgres and --server-process, and is 1 to 8")
        }
        let killNodeAfter = arguments.int("--kill-node-after")
        guard killNodeAfter == 0 || (nodes >= 2 && killNodeAfter < signIns) else {
            throw BenchFailure("--kill-node-after needs --nodes 2 or more, and fewer sign-ins than --signins")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "signin-benchmark-\(UUID().uuidString)")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("Starting the gateway emulator…")
        let gateway = try await GatewayProcess.start(folder: folder.appendingPathComponent("gateway"))
        defer { gateway.stop() }
        let http = BenchHTTP(connections: concurrency * 3)

        let masterKey = SecretBox.generateMasterKey()
        let database = postgresServer.isEmpty ? nil : try PostgresSchema.make(in: postgresServer)
        let store: any RegistryStore
        if let database {
            store = try await PostgresRegistryStore.open(
                location: try PostgresLocation(url: database), secrets: try SecretBox(masterKey: masterKey),
                nodeName: "seeding")
        } else {
            store = SQLiteRegistryStore(
                pool: try SQLiteDatabase.open(path: data.appendingPathComponent("countersign.sqlite").path),
                secrets: try SecretBox(masterKey: masterKey))
        }
        print("Registering and pairing \(deviceCount) phones…")
        let seedStart = ContinuousClock.now
        let phones = try await Seeding(store: store, http: http, gateway: gateway, withPushKeys: !withoutPushKeys).pair(
            count: deviceCount)
        print("  done in \(format((ContinuousClock.now - seedStart).seconds)) s")
        if history > 0, database == nil {
            let seeded = try HistorySeeding.seed(
                databasePath: data.appendingPathComponent("countersign.sqlite").path, perUser: history, now: Date())
            print("  \(seeded) past sign-ins seeded (\(history) per user)")
        }
        if let postgres = store as? PostgresRegistryStore, arguments.int("--postgres-floor") > 0 {
            try await PostgresFloor.measure(store: postgres, calls: arguments.int("--postgres-floor"))
        }
        try await store.setPushSettings(
            try DevelopmentGateway.settings(folder: gateway.folder, port: gateway.port), provider: Seeding.provider)
        let adminToken = try await AdminTokens(store: store).issue(name: "bench", now: Date())
        var load = Load(
            http: http, gateway: gateway, adminToken: adminToken, phones: phones, users: deviceCount, signIns: signIns,
            concurrency: concurrency)
        load.killNodeAfter = killNodeAfter

        var measured: Load.Measured
        if separateServer {
            print("Starting \(nodes) countersign server process\(nodes == 1 ? "" : "es")…")
            var servers: [ServerProcess] = []
            defer { for server in servers { server.stop() } }
            for index in 1...nodes {
                // Each node has a data folder of its own; with PostgreSQL only the key is shared.
                let folder = nodes == 1 ? data : folder.appendingPathComponent("node\(index)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                servers.append(
                    try await ServerProcess.start(
                        data: folder, masterKey: masterKey, http: http, database: database, node: "node\(index)"))
            }
            measured = try await load.run(
                servers: servers.map(\.url), serverPids: servers.map(\.pid), postgres: database != nil)
        } else {
            guard let store = store as? SQLiteRegistryStore else { throw BenchFailure("in process is SQLite only") }
            measured = try await runInProcess(store: store, load: load)
        }
        try await http.shutdown()
        if measured.killedAt != nil, let database {
            // What happened to the pushes node 1 had claimed and not sent: taken over by the other
            // node once its lease ran out (attempts > 1), and none left queued or claimed.
            let row =
                try PostgresSchema.query(
                    postgresServer, schemaURL: database,
                    """
                    SELECT count(*) FILTER (WHERE attempts > 1 AND state = 'sent'),
                           COALESCE(max(EXTRACT(EPOCH FROM completed_at - created_at) * 1000)
                                    FILTER (WHERE attempts > 1 AND state = 'sent'), 0),
                           count(*) FILTER (WHERE state IN ('queued', 'sending'))
                    FROM SCHEMA.push_outbox
                    """
                ).first ?? []
            measured.takenOver = row.count == 3 ? (Int(row[0]) ?? 0, Double(row[1]) ?? 0, Int(row[2]) ?? 0) : nil
        }
        report(
            measured, devices: deviceCount, concurrency: concurrency, separateServer: separateServer,
            store: database == nil ? "SQLite" : "PostgreSQL, \(nodes) node\(nodes == 1 ? "" : "s")")
    }

    /// The real router and services on a loopback port in this process, for as long as the load runs.
    static func runInProcess(store: SQLiteRegistryStore, load: Load) async throws -> Load.Measured {
        let environment = ServerEnvironment(
            store: store,
            settings: ServerSettings(serverName: "bench", publicURL: URL(fileURLWithPath: "/"), serverIP: "127.0.0.1"))
        var logger = Logger(label: "signin-benchmark")
        logger.logLevel = .warning
        let dispatcher = PushDispatcher(
            outbox: store, sender: environment.push, logger: logger, metrics: environment.metrics,
            wakeUps: environment.wakeUps)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: CountersignRouter.make(environment: environment),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            services: [dispatcher, ChallengeSweeper(environment: environment, logger: logger)],
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger)
        let measured = try await withThrowingTaskGroup(of: Load.Measured?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else { throw BenchFailure("the server did not start") }
            let measured = try await load.run(servers: ["http://127.0.0.1:\(port)"], serverPids: [])
            group.cancelAll()
            return measured
        }
        await environment.push.invalidate()
        return measured
    }

    static func report(
        _ measured: Load.Measured, devices: Int, concurrency: Int, separateServer: Bool, store: String
    ) {
        let completed = measured.timings.filter { $0.total > 0 }
        let added = completed.compactMap(\.serverAdded).sorted()
        let totals = completed.map(\.total).sorted()
        let rate = Double(completed.count) / measured.elapsed.seconds
        print("")
        print("| measure | value |")
        print("|---|---|")
        print("| store | \(store) |")
        print("| sign-ins approved | \(completed.count), \(devices) registered devices, \(concurrency) at a time |")
        print("| sustained rate | \(Int(rate)) sign-ins/s (\(format(measured.elapsed.seconds)) s) |")
        func row(_ name: String, _ values: [Double]) {
            let sorted = values.sorted()
            print(
                "| \(name), p50 / p99 | \(format(percentile(sorted, 0.50))) / \(format(percentile(sorted, 0.99))) ms |")
        }
        row("time the server adds", added)
        row("… POST /v1/auth", completed.map(\.authRequest))
        row("… auth answered → push at the gateway", completed.compactMap(\.dispatch))
        row("… phone fetches the challenge", completed.map(\.challengeFetch))
        row("… phone's answer", completed.map(\.answerRequest))
        row("… answer → long-poll returns", completed.compactMap(\.longPoll))
        row("whole sign-in as the application sees it", totals)
        func cpu(_ name: String, _ seconds: Double?) {
            guard let seconds, !completed.isEmpty else { return }
            print("| CPU per sign-in, \(name) | \(format(seconds * 1000 / Double(completed.count))) ms |")
        }
        if separateServer {
            cpu("countersign server process(es)", measured.serverCPU)
            cpu("PostgreSQL server processes", measured.postgresCPU)
            cpu("benchmark process (relying parties and phones)", measured.selfCPU)
        } else {
            cpu("benchmark process (server, relying parties and phones)", measured.selfCPU)
        }
        cpu("gateway emulator process", measured.gatewayCPU)
        if let killedAt = measured.killedAt { reportKill(measured, killedAt: killedAt) }
        if let serverCPU = measured.serverCPU, serverCPU > 0 {
            let perSignIn = serverCPU / Double(completed.count)
            print("| sign-ins/s the server's own CPU would allow on 2 cores | \(Int(2 / perSignIn)) |")
        }
    }
}

extension SignInBenchmark {
    /// What the kill did: every sign-in the benchmark started ended approved (or the run would
    /// have failed), so what is left to tell is what had to be made again and how late the pushes
    /// of sign-ins accepted before the kill went out.
    static func reportKill(_ measured: Load.Measured, killedAt: Date) {
        let acceptedBefore = measured.timings.filter { $0.total > 0 && $0.authAnsweredAt < killedAt }
        let lateDelays = acceptedBefore.compactMap(\.pushReceivedAt).filter { $0 > killedAt }
            .map { $0.timeIntervalSince(killedAt) * 1000 }.sorted()
        print(
            "| node 1 killed (SIGKILL) | after \(measured.timings.count { $0.total > 0 && $0.outcomeAt < killedAt }) sign-ins |"
        )
        print("| errors at the live nodes | 0 (any would have stopped the run) |")
        print("| requests made again at a live node (in flight at node 1) | \(measured.retried) |")
        print("| sign-ins accepted before the kill, all approved | \(acceptedBefore.count) |")
        print(
            "| … their pushes that went out after the kill, and the last one's delay | \(lateDelays.count), "
                + "\(format(lateDelays.last ?? 0)) ms after the kill |")
        if let (count, longest, left) = measured.takenOver {
            print(
                "| pushes node 1 had claimed and not sent, sent by node 2 | \(count), at most \(format(longest)) ms after queueing |"
            )
            print("| pushes left queued or claimed at the end | \(left) |")
        }
    }
}

/// The applications: each worker starts a sign-in, posts its number for the phone's user, and
/// long-polls for the outcome, until the count is reached.
struct RelyingParties: Sendable {
    let http: BenchHTTP
    let route: NodeRoute
    let apiKey: String
    let users: Int
    let board: NumberBoard
    let timings: Timings

    func run(signIns: Int, concurrency: Int) async throws {
        let next = TicketCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < signIns else { return }
                        try await signIn(user: "user-\(index % users)", ticket: index)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func signIn(user: String, ticket: Int) async throws {
        let headers = [("Authorization", "Bearer \(apiKey)")]
        let body = try APIJSON.makeEncoder().encode(
            AuthRequest(user: user, method: .push, context: AuthContext(application: "bench", clientIP: "192.0.2.1")))
        let start = ContinuousClock.now
        // A start cut off by its node's death is started again at a live node, as the person
        // at the application would try again.
        let started = try await route.retrying(route.start(ticket: ticket), fallback: { route.start(ticket: ticket) }) {
            try await http.send(.POST, $0 + "/v1/auth", body: body, headers: headers, as: AuthTransaction.self)
        }
        let authTime = (ContinuousClock.now - start).milliseconds
        let authAnsweredAt = Date()
        await board.post(started.number ?? 0, for: started.transactionId)
        var outcome = started
        let transaction = started.transactionId
        while !outcome.state.isFinal {
            outcome = try await route.retrying(route.longPoll(transaction), fallback: { route.longPoll(transaction) }) {
                try await http.send(
                    .GET, $0 + "/v1/auth/\(transaction)?wait=30", headers: headers, as: AuthTransaction.self)
            }
        }
        guard outcome.state == .approved else {
            throw BenchFailure("\(user): \(outcome.state) \(outcome.reason ?? "")")
        }
        let total = (ContinuousClock.now - start).milliseconds
        let outcomeAt = Date()
        await timings.update(started.transactionId) {
            $0.authRequest = authTime
            $0.authAnsweredAt = authAnsweredAt
            $0.outcomeAt = outcomeAt
            $0.total = total
        }
    }
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class TicketCounter: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        next.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
