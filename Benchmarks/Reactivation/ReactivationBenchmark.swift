import BenchmarkSupport
import CountersignCore
import CountersignStore
import Crypto
import Foundation
import GRDB
import Synchronization

/// Re-activation with a large registry (issue #6): how long the one transaction that makes the new
/// activation and invalidates every app of the old one takes, and what the server's other work sees
/// meanwhile: the /health check (a read of the current activation) and SMS code verifications (writes).
///
/// The registry is seeded with plain SQL in a real SQLite file (`synchronous = FULL`); the store's own
/// `reactivate`, `currentActivation` and `verifySMSCode` are what is timed.
///
///     swift build -c release --product reactivation-benchmark
///     .build/release/reactivation-benchmark [--devices 1000000] [--users 250000]
@main
struct ReactivationBenchmark {
    static func main() async throws {
        let arguments = Arguments(
            benchmark: "reactivation-benchmark", summary: "re-activation and the superseded-device sweep",
            options: [
                .number("--devices", 1_000_000, "paired devices to invalidate"),
                .number("--users", 250_000, "users they belong to"),
            ])
        let deviceCount = arguments.int("--devices")
        let userCount = arguments.int("--users")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reactivation-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path)
        let store = SQLiteRegistryStore(pool: pool, secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
        let origin = AuthLogOrigin(serverName: "bench", serverIP: nil)

        print("Seeding \(userCount) users and \(deviceCount) devices…")
        let seedStart = ContinuousClock.now
        _ = try await store.createProvider(
            NewProvider(name: "old", billing: .perUser, tenant: nil), now: Date())
        _ = try await store.createProvider(
            NewProvider(name: "new", billing: .perUser, tenant: nil), now: Date())
        let activation = try await store.activate(providerName: "old", serverKey: .init(), now: Date())
        try await store.setTelephonySettings(
            TelephonySettings(gateways: [TelephonyGatewaySettings(url: "https://127.0.0.1:9/unused")]), provider: "old")
        try await Seeding.registry(pool, users: userCount, devices: deviceCount, activationId: activation.id)
        print("  seeded in \(format((ContinuousClock.now - seedStart).seconds)) s")

        // Pending SMS codes to verify while the re-activation runs (they are not sent: no gateway is needed).
        var codes: [(String, String)] = []
        for index in 0..<2000 {
            let id = UUID().uuidString.lowercased()
            let code = String(format: "%06d", index)
            _ = try await store.startPhoneChallenge(
                NewPhoneChallenge(
                    method: .sms, user: "user\(index)", transactionId: id, secret: code,
                    context: AuthContext(), relyingParty: "bench", lifetime: 600, senderRotation: index),
                limits: PhoneLimits(), origin: origin, now: Date())
            codes.append((id, code))
        }

        let probe = Probe()
        let pending = codes
        let result = try await withThrowingTaskGroup(of: ReactivationResult?.self) { group in
            group.addTask {
                while probe.running.load(ordering: .relaxed) {
                    let start = ContinuousClock.now
                    _ = try await store.currentActivation()
                    probe.health.withLock { $0.append((ContinuousClock.now - start).milliseconds) }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return nil
            }
            group.addTask {
                var next = 0
                while probe.running.load(ordering: .relaxed), next < pending.count {
                    let (id, code) = pending[next]
                    next += 1
                    let start = ContinuousClock.now
                    let verified = try await store.verifySMSCode(
                        transactionId: id, relyingParty: "bench", code: code, policy: LockoutPolicy(), origin: origin,
                        now: Date())
                    precondition(verified.state == .approved)
                    probe.sms.withLock { $0.append((ContinuousClock.now - start).milliseconds) }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return nil
            }
            try await Task.sleep(for: .milliseconds(500))
            let start = ContinuousClock.now
            let (result, _) = try await store.reactivate(
                providerName: "new", force: false, serverKey: .init(), origin: origin, now: Date())
            let elapsed = ContinuousClock.now - start
            print("Re-activation (the one transaction): \(format(elapsed.seconds)) s")
            // What SupersededDeviceSweeper does in the server: mark the rows, 10,000 rowids per transaction.
            var cursor = SweepCursor.start
            while let next = try await store.markSupersededDevices(after: cursor) { cursor = next }
            let marked = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device WHERE status = 'invalidated'") ?? 0
            }
            print(
                "Rows marked invalidated in the background: \(marked), done \(format((ContinuousClock.now - start).seconds)) s after the start"
            )
            try await Task.sleep(for: .milliseconds(500))
            probe.running.store(false, ordering: .relaxed)
            var found: ReactivationResult?
            for try await value in group { found = found ?? value }
            _ = found
            return result
        }
        print("  users to re-pair \(result.usersToRepair), devices invalidated \(result.devicesInvalidated)")
        for (name, samples) in [
            ("health check", probe.health.withLock { $0 }), ("SMS verification", probe.sms.withLock { $0 }),
        ] {
            let sorted = samples.sorted()
            print(
                "  \(name): \(sorted.count) during the run, p50 \(format(percentile(sorted, 0.5))) ms, p99 \(format(percentile(sorted, 0.99))) ms, max \(format(sorted.last ?? 0)) ms"
            )
        }
    }
}

/// What the concurrent probes share with the main task.
final class Probe: Sendable {
    let running = Atomic<Bool>(true)
    let health = Mutex<[Double]>([])
    let sms = Mutex<[Double]>([])
}
