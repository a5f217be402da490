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

/// Completed push sign-ins per second through the whole path, and the time the server adds to each.
///
/// The server runs in this process (router, push dispatcher, timeout sweeper, SQLite file with
/// `synchronous = FULL`); the gateway emulator runs as its own process. Relying parties call
/// `POST /v1/auth` and then long-poll `GET /v1/auth/{txid}`; a fleet of simulated phones reads the
/// gateway's deliveries, fetches each challenge over the signed device API, checks its signature and
/// approves with the number.
///
///     swift build -c release --product signin-benchmark --product countersign-phone
///     .build/release/signin-benchmark [--devices 10000] [--signins 20000] [--concurrency 64]
@main
struct SignInBenchmark {
    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments)
        let deviceCount = arguments.int("--devices", 10_000)
        let signIns = arguments.int("--signins", 20_000)
        let concurrency = arguments.int("--concurrency", 64)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "signin-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("Starting the gateway emulator…")
        let gateway = try await GatewayProcess.start(folder: folder.appendingPathComponent("gateway"))
        defer { gateway.stop() }
        let http = BenchHTTP(connections: concurrency * 3)

        let store = SQLiteRegistryStore(
            pool: try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path),
            secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
        print("Registering and pairing \(deviceCount) phones…")
        let seedStart = ContinuousClock.now
        let phones = try await Seeding(store: store, http: http, gateway: gateway).pair(count: deviceCount)
        print("  done in \(format((ContinuousClock.now - seedStart).seconds)) s")
        try await store.setPushSettings(
            try DevelopmentGateway.settings(folder: gateway.folder, port: gateway.port), provider: Seeding.provider)

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

        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else { throw BenchFailure("the server did not start") }
            let server = "http://127.0.0.1:\(port)"
            let adminToken = try await AdminTokens(store: store).issue(name: "bench", now: Date())
            let client = try await http.send(
                .POST, server + "/v1/clients", body: Data(#"{"name":"bench"}"#.utf8),
                headers: [("Authorization", "Bearer \(adminToken)")], as: CreatedClient.self)

            let board = NumberBoard()
            let timings = Timings()
            let fleet = PhoneFleet(
                http: http, server: server, gatewayControl: gateway.controlURL.absoluteString,
                phones: Dictionary(uniqueKeysWithValues: phones.map { ($0.token, $0) }), board: board,
                timings: timings)
            group.addTask { try await fleet.run() }

            print("Running \(signIns) sign-ins, \(concurrency) at a time…")
            let relyingParties = RelyingParties(
                http: http, server: server, apiKey: client.apiKey, users: deviceCount, board: board, timings: timings)
            let started = ContinuousClock.now
            try await relyingParties.run(signIns: signIns, concurrency: concurrency)
            let elapsed = ContinuousClock.now - started
            group.cancelAll()
            return (elapsed, await timings.all())
        }
        try await http.shutdown()
        await environment.push.invalidate()
        report(elapsed: result.0, timings: result.1, devices: deviceCount, concurrency: concurrency)
    }

    static func report(elapsed: Duration, timings: [SignInTiming], devices: Int, concurrency: Int) {
        let completed = timings.filter { $0.total > 0 }
        let added = completed.compactMap(\.serverAdded).sorted()
        let totals = completed.map(\.total).sorted()
        let rate = Double(completed.count) / elapsed.seconds
        print("")
        print("| measure | value |")
        print("|---|---|")
        print("| sign-ins approved | \(completed.count), \(devices) registered devices, \(concurrency) at a time |")
        print("| sustained rate | \(Int(rate)) sign-ins/s (\(format(elapsed.seconds)) s) |")
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
    }
}

/// The applications: each worker starts a sign-in, posts its number for the phone's user, and
/// long-polls for the outcome, until the count is reached.
struct RelyingParties: Sendable {
    let http: BenchHTTP
    let server: String
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
                        try await signIn(user: "user-\(index % users)")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func signIn(user: String) async throws {
        let headers = [("Authorization", "Bearer \(apiKey)")]
        let body = try APIJSON.makeEncoder().encode(
            AuthRequest(user: user, method: .push, context: AuthContext(application: "bench", clientIP: "192.0.2.1")))
        let start = ContinuousClock.now
        let started = try await http.send(
            .POST, server + "/v1/auth", body: body, headers: headers, as: AuthTransaction.self)
        let authTime = (ContinuousClock.now - start).milliseconds
        let authAnsweredAt = Date()
        await board.post(started.number ?? 0, for: started.transactionId)
        var outcome = started
        while !outcome.state.isFinal {
            outcome = try await http.send(
                .GET, server + "/v1/auth/\(started.transactionId)?wait=30", headers: headers, as: AuthTransaction.self)
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
