import BenchmarkSupport
import CountersignCore
import CountersignStore
import Foundation
import GRDB

/// `report usage` over a large auth log (issue #7): the store's `usage(month:)`, which the admin API
/// and `countersign report usage` call, timed over a month of many rows in a real SQLite file.
///
///     swift build -c release --product report-benchmark
///     .build/release/report-benchmark [--rows 10000000]
@main
struct ReportBenchmark {
    static func main() async throws {
        let arguments = Arguments(
            benchmark: "report-benchmark", summary: "the usage report and the auth-log report over a large log",
            options: [.number("--rows", 10_000_000, "auth-log rows to seed")])
        let rows = arguments.int("--rows")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-benchmark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path)
        let store = SQLiteRegistryStore(pool: pool, secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
        guard let month = ReportMonth("2026-10") else { return }
        _ = try await store.createProvider(
            NewProvider(name: "acme", billing: .perAuthentication, tenant: nil), now: month.start)
        _ = try await store.activate(providerName: "acme", serverKey: .init(), now: month.start)

        print("Seeding \(rows) auth-log rows over October 2026 and 20,000 users…")
        let seedStart = ContinuousClock.now
        try await pool.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 19999)
                    INSERT INTO user (name, phone, status, created_at)
                    SELECT 'user' || x, '+1415555' || printf('%04d', x), 'enabled', ? FROM n
                    """, arguments: [month.start])
            // Spread over the month, with every method and both results, as a real log has.
            try db.execute(
                sql: """
                    WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ? - 1)
                    INSERT INTO auth_log (time, user_name, mode, result, outcome, server_name, provider)
                    SELECT strftime('%Y-%m-%d %H:%M:%f', ?, '+' || (x * 2592000 / ?) || ' seconds'), 'user' || (x % 20000),
                      CASE x % 5 WHEN 0 THEN 'push' WHEN 1 THEN 'totp' WHEN 2 THEN 'sms' WHEN 3 THEN 'voice' ELSE 'app_password' END,
                      CASE WHEN x % 7 = 0 THEN 'denied' ELSE 'success' END,
                      CASE WHEN x % 7 = 0 THEN 'denied' ELSE 'approved' END, 'bench', 'acme'
                    FROM n
                    """, arguments: [rows, month.start, rows])
        }
        print("  seeded in \(format((ContinuousClock.now - seedStart).seconds)) s")
        // The server keeps the monthly counters with every log row; rows seeded with SQL are counted
        // the way the migration counts an existing log.
        let rebuildStart = ContinuousClock.now
        try await store.rebuildUsageCounts()
        print(
            "  usage counters rebuilt from the whole log in \(format((ContinuousClock.now - rebuildStart).seconds)) s")

        for run in 1...3 {
            let start = ContinuousClock.now
            let report = try await store.usage(month: month, now: month.end)
            let elapsed = (ContinuousClock.now - start).seconds
            let counted = report.providers.flatMap(\.verifications).reduce(0) { $0 + $1.count }
            print(
                "report usage, run \(run): \(format(elapsed)) s (\(counted) verifications, \(report.providers.first?.usersConfigured ?? 0) users)"
            )
        }
    }
}
