import ArgumentParser
import CountersignCore
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The admin audit trail: every change made through the admin API, newest first (never a secret).")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "From this day or time (2026-11-23 or 2026-11-23T09:00:00Z).") var since: String?
    @Option(help: "At most this many rows (1-1000).") var limit: Int = 100

    func run() async throws {
        var query = ["limit=\(limit)"]
        if let since { query.append("since=\(since.queryValue)") }
        let entries = try await connection.makeClient().request(
            "GET", "/v1/audit?\(query.joined(separator: "&"))", as: [AdminAuditView].self)
        try output.print(entries) { entries in
            var table = TextTable("TIME", "TOKEN", "ACTION", "TARGET", "FROM", "STATUS")
            for entry in entries {
                table.add(
                    entry.time.shortText, entry.token, entry.action, entry.target.orDash, entry.address.orDash,
                    String(entry.status))
            }
            return table.rendered
        }
    }
}
