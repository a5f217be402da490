import BenchmarkSupport
import CountersignClient
import CountersignCore
import CountersignPush
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import Logging
import Prometheus
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Sustained notifications per second from the dispatcher (outbox in SQLite, AsyncHTTPClient over
/// HTTP/2 and TLS) to the gateway emulator running as its own process, with p50 and p99 send
/// latency; then, in the same run, the emulator's own ceiling measured with h2load.
///
///     swift build -c release --product push-benchmark --product countersign-phone
///     .build/release/push-benchmark [--messages 20000] [--devices 1000] [--in-flight 256]
@main
struct PushBenchmark {
    static func main() async throws {
        let arguments = Arguments(
            benchmark: "push-benchmark",
            summary: "the push dispatcher against the gateway emulator, beside h2load on the same endpoint",
            options: [
                .number("--messages", 20_000, "notifications to send"),
                .number("--devices", 1_000, "devices they go to"),
                .number("--in-flight", PushDispatcher.defaultMaxInFlight, "sends in flight at once"),
                .flag("--raw", "also time the sender alone, without the outbox"),
            ])
        let messages = arguments.int("--messages")
        let deviceCount = arguments.int("--devices")
        let inFlight = arguments.int("--in-flight")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "push-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("Starting the gateway emulator…")
        let gateway = try await GatewayProcess.start(folder: folder.appendingPathComponent("gateway"))
        defer { gateway.stop() }

        print("Pairing \(deviceCount) APNs devices…")
        let store = SQLiteRegistryStore(
            pool: try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path),
            secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
        let deviceIds = try await pairDevices(count: deviceCount, store: store, gateway: gateway)

        print("Queueing \(messages) notifications…")
        let now = Date()
        var queued = 0
        while queued < messages {
            let chunk = (queued..<min(messages, queued + 5_000)).map {
                NewPush(
                    deviceId: deviceIds[$0 % deviceIds.count], payload: #"{"tx":"\#($0)"}"#, collapseId: nil,
                    deadline: now.addingTimeInterval(600))
            }
            _ = try await store.enqueuePushes(chunk, now: now)
            queued += chunk.count
        }

        let built = try PushClients.build(
            try DevelopmentGateway.settings(folder: gateway.folder, port: gateway.port), clock: SystemWallClock())
        let sender = TimedSender(inner: built.sender)
        var logger = Logger(label: "push-benchmark")
        logger.logLevel = .warning
        let dispatcher = PushDispatcher(
            outbox: store, sender: sender, maxInFlight: inFlight, idlePoll: .milliseconds(1), logger: logger,
            metrics: PrometheusCollectorRegistry())

        if arguments.has("--raw") {
            // The same sender and window without the outbox: separates SQLite from HTTP/2 and the emulator.
            let pushes = try await store.claimDuePushes(now: Date(), limit: messages)
            let rawStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, push) in pushes.enumerated() {
                    if index >= inFlight { try await group.next() }
                    group.addTask { _ = try await sender.send(push) }
                }
                try await group.waitForAll()
            }
            let rawElapsed = ContinuousClock.now - rawStart
            let rawSeconds = rawElapsed.seconds
            print("raw sender: \(Int(Double(pushes.count) / rawSeconds)) notifications/s without the outbox")
            for transport in built.transports { try await transport.shutdown() }
            return
        }

        print("Dispatching…")
        let started = ContinuousClock.now
        let elapsed = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            // The sender's own count first: counting the outbox scans it, and scanning 50 times a
            // second would take CPU from the dispatcher being measured. Then the last batch's record.
            while sender.count < messages { try await Task.sleep(for: .milliseconds(5)) }
            while try await store.pushOutboxCounts().sent < messages {
                try await Task.sleep(for: .milliseconds(5))
            }
            let elapsed = ContinuousClock.now - started
            group.cancelAll()
            return elapsed
        }
        for transport in built.transports { try await transport.shutdown() }
        let seconds = elapsed.seconds
        let latencies = sender.sortedMilliseconds()
        let rate = Double(messages) / seconds
        let counts = try await store.pushOutboxCounts()

        print("Measuring the emulator's ceiling with h2load…")
        let ceiling = try await H2Load.measure(gateway: gateway, requests: messages)

        print("")
        print("| measure | value |")
        print("|---|---|")
        print("| notifications sent (dispatcher → emulator) | \(counts.sent) of \(messages), \(counts.failed) failed |")
        print("| devices, in-flight limit | \(deviceCount), \(inFlight) |")
        print("| sustained rate | \(Int(rate)) notifications/s (\(String(format: "%.2f", seconds)) s) |")
        print(
            "| send latency p50 / p99 | \(format(percentile(latencies, 0.50))) / \(format(percentile(latencies, 0.99))) ms |"
        )
        print(
            "| h2load ceiling (same emulator, same run) | \(Int(ceiling.rate)) requests/s, \(ceiling.succeeded) × 2xx |"
        )
        print("| dispatcher ÷ h2load | \(String(format: "%.0f", 100 * rate / max(ceiling.rate, 1)))% |")
    }

    static func pairDevices(count: Int, store: SQLiteRegistryStore, gateway: GatewayProcess) async throws -> [String] {
        let now = Date()
        _ = try await store.createProvider(
            NewProvider(name: "bench", billing: .perUser, tenant: nil), now: now)
        _ = try await store.activate(providerName: "bench", serverKey: P256.Signing.PrivateKey(), now: now)
        _ = try await store.createUser(
            NewUser(name: "bench", firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
            now: now)
        let control = JSONHTTPClient(baseURL: gateway.controlURL)
        var ids: [String] = []
        for index in 0..<count {
            let device = try await control.request(
                "POST", "/gateway/devices", body: PushGatewayAPI.Registration(platform: .apns, phone: "bench-\(index)"),
                as: PushGatewayAPI.Device.self)
            let code = "code-\(index)"
            try await store.createActivationCode(
                user: "bench", codeHash: SecretHash.sha256Hex(code), expiresAt: now.addingTimeInterval(600), now: now)
            let paired = try await store.redeemActivationCode(
                codeHash: SecretHash.sha256Hex(code),
                device: NewDevice(
                    platform: .apns, pushToken: device.token, environment: .production,
                    publicKey: P256.Signing.PrivateKey().publicKey.x963Representation,
                    oathSecret: SecureRandom.bytes(20),
                    displayName: nil),
                now: now)
            ids.append(paired.device.id)
        }
        return ids
    }
}

/// Times each send the dispatcher makes.
final class TimedSender: PushSender {
    let inner: ProviderPushSender
    private let samples = Mutex<[Double]>([])

    init(inner: ProviderPushSender) {
        self.inner = inner
        samples.withLock { $0.reserveCapacity(100_000) }
    }

    func send(_ push: PendingPush) async throws -> PushOutcome {
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            samples.withLock { $0.append(elapsed.milliseconds) }
        }
        return try await inner.send(push)
    }

    func sortedMilliseconds() -> [Double] { samples.withLock { $0.sorted() } }
    var count: Int { samples.withLock { $0.count } }
}
