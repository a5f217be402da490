import CountersignCore
import Foundation
import Testing

/// `countersign report auth --format csv` read back by Python's csv module (a standard reader that
/// is not ours) gives the same values as the JSON report: non-ASCII names and commas intact.
@Suite("Auth report CSV end to end", .serialized)
struct ReportEndToEndTests {
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    @Test("log prune reads its day exactly: a day that does not exist is refused and nothing is deleted")
    func pruneDates() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        for bad in ["2026-02-30", "2026-13-01", "2026-2-3", "2026-02-03T00:00:00Z", "yesterday"] {
            let refused = try workspace.admin(server, ["log", "prune", "--before", bad])
            #expect(refused.status != 0)
            #expect(refused.errors.contains("--before must be a day that exists"), "\(bad): \(refused.errors)")
        }
        let pruned = try workspace.admin(server, ["log", "prune", "--before", "2026-02-03"])
        #expect(pruned.status == 0, "\(pruned.errors)")
        #expect(pruned.output.contains("Deleted 0 rows older than 2026-02-03"), "\(pruned.output)")
    }

    @Test("CSV with Chinese and Polish names, commas and quotes reads back unchanged")
    func csvRoundTrip() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        #expect(try workspace.admin(server, ["user", "add", "zhang", "--first", "伟", "--last", "张"]).status == 0)
        #expect(
            try workspace.admin(server, ["user", "add", "lukasz", "--first", "Łukasz", "--last", "Żółć, Gęś"]).status
                == 0)
        for (user, application) in [("zhang", "Payroll, EU"), ("lukasz", "Mail \"web\"")] {
            _ = try workspace.admin(
                server, ["auth", user, "--method", "totp", "--code", "123456", "--application", application],
                environment: ["COUNTERSIGN_API_KEY": apiKey])
        }

        let json = try workspace.admin(server, ["report", "auth", "--format", "json"])
        #expect(json.status == 0, "\(json.errors) \(json.output)")
        let entries = try APIJSON.makeDecoder().decode([AuthLogEntry].self, from: Data(json.output.utf8))
        #expect(entries.count == 2)
        let csv = try workspace.admin(server, ["report", "auth", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.errors)")

        let rows = try Self.pythonCSV(csv.output)
        #expect(
            rows.first == [
                "time", "user", "first_name", "last_name", "email", "phone", "device_token", "mode",
                "result", "outcome", "reason", "server_name", "server_ip", "client_ip", "application", "transaction_id",
                "client", "provider",
            ])
        #expect(rows.count == entries.count + 1)
        for (row, entry) in zip(rows.dropFirst(), entries) {
            #expect(row[1] == entry.user)
            #expect(row[2] == (entry.firstName ?? ""))
            #expect(row[3] == (entry.lastName ?? ""))
            #expect(row[10] == (entry.reason ?? ""))
            #expect(row[14] == (entry.application ?? ""))
        }
        #expect(rows.contains { $0[3] == "Żółć, Gęś" && $0[14] == "Mail \"web\"" })
        #expect(rows.contains { $0[2] == "伟" && $0[14] == "Payroll, EU" })

        // The usage report needs no month: it is this month's.
        let usage = try workspace.admin(server, ["report", "usage", "--format", "json"])
        #expect(usage.status == 0, "\(usage.errors)")
        let report = try APIJSON.makeDecoder().decode(UsageReport.self, from: Data(usage.output.utf8))
        #expect(report.month == ReportMonth(containing: Date()).description)
        // The log's own help names the options for reading it.
        let help = try workspace.admin(server, ["log", "--help"])
        for option in ["--user", "--since", "--until", "--result", "--limit"] {
            #expect(help.output.contains(option), "\(option): \(help.output)")
        }
        #expect(try await server.terminate() == 0)
    }

    /// Parses CSV with Python's csv module and returns the rows.
    static func pythonCSV(_ text: String) throws -> [[String]] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("report.csv")
        let output = folder.appendingPathComponent("rows.json")
        try Data(text.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import csv, json, sys; rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))); json.dump(rows, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)",
            input.path, output.path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode([[String]].self, from: Data(contentsOf: output))
    }
}
