import ArgumentParser
import CountersignCore
import Foundation

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Read the authentication log, newest first.",
        discussion: """
            Reading is the default: countersign log [--user U] [--since DAY|TIME] [--until DAY|TIME] \
            [--result success|denied] [--limit N] [--format table|json]. Days are YYYY-MM-DD, times \
            2026-11-23T09:00:00Z; 'countersign log read --help' says more. 'countersign log prune \
            --before YYYY-MM-DD' deletes older rows, never the current month's.
            """,
        subcommands: [ReadLogCommand.self, PruneCommand.self],
        defaultSubcommand: ReadLogCommand.self)
}

struct ReadLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Read the authentication log, newest first.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this user's attempts.") var user: String?
    @Option(help: "From this day or time (2026-11-23 or 2026-11-23T09:00:00Z).") var since: String?
    @Option(help: "Before this day or time.") var until: String?
    @Option(help: "success or denied.") var result: AuthLogResult?
    @Option(help: "At most this many rows (1-1000).") var limit: Int = 100

    func run() async throws {
        var query = ["limit=\(limit)"]
        for (name, value) in [("user", user), ("since", since), ("until", until), ("result", result?.rawValue)] {
            if let value { query.append("\(name)=\(value.queryValue)") }
        }
        let page = try await connection.makeClient().request(
            "GET", "/v1/log?\(query.joined(separator: "&"))", as: AuthLogPage.self)
        try output.print(page) { page in
            var table = TextTable("TIME", "USER", "MODE", "RESULT", "OUTCOME", "REASON", "APPLICATION", "CLIENT IP")
            for entry in page.entries {
                table.add(
                    entry.time.shortText, entry.user, entry.mode, entry.result.rawValue, entry.outcome,
                    entry.reason.orDash, entry.application.orDash, entry.clientIP.orDash)
            }
            return table.rendered
        }
    }
}

extension AuthLogResult: ExpressibleByArgument {}

