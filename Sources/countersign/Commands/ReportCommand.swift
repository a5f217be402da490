import ArgumentParser
import CountersignCore
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Authentication, usage and billing reports.",
        subcommands: [Auth.self, Usage.self])

    struct Auth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The authentication log with every field, oldest first (all pages).")
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table
            case csv
            case json
        }
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only this user's attempts.") var user: String?
        @Option(help: "From this day or time (2026-11-01 or 2026-11-01T09:00:00Z).") var from: String?
        @Option(help: "Before this day or time.") var to: String?
        @Option(help: "success or denied.") var result: AuthLogResult?
        @Option(help: "table, csv (RFC 4180, UTF-8) or json.") var format: Format = .table

        static let header = [
            "time", "user", "first_name", "last_name", "email", "phone", "device_token", "mode", "result", "outcome",
            "reason", "server_name", "server_ip", "client_ip", "application", "transaction_id", "client", "provider",
        ]

        func run() async throws {
            let client = try connection.makeClient()
            var query = ["limit=1000"]
            for (name, value) in [("user", user), ("since", from), ("until", to), ("result", result?.rawValue)] {
                if let value { query.append("\(name)=\(value.queryValue)") }
            }
            var entries: [AuthLogEntry] = []
            var before: Int64?
            repeat {
                let paging = before.map { ["before=\($0)"] } ?? []
                let page = try await client.request(
                    "GET", "/v1/reports/auth?\((query + paging).joined(separator: "&"))", as: AuthLogPage.self)
                entries += page.entries
                before = page.nextBefore
            } while before != nil
            entries.reverse()

            switch format {
            case .json:
                try OutputOptions.printJSON(entries)
            case .csv:
                var text = CSVWriter.record(Self.header)
                for entry in entries { text += CSVWriter.record(Self.fields(entry)) }
                FileHandle.standardOutput.write(Data(text.utf8))
            case .table:
                var table = TextTable("TIME", "USER", "NAME", "MODE", "RESULT", "OUTCOME", "REASON", "CLIENT IP")
                for entry in entries {
                    let name = [entry.firstName, entry.lastName].compactMap { $0 }.joined(separator: " ")
                    table.add(
                        entry.time.shortText, entry.user, name.isEmpty ? "-" : name, entry.mode, entry.result.rawValue,
                        entry.outcome, entry.reason.orDash, entry.clientIP.orDash)
                }
                print(table.rendered)
            }
        }

        static func fields(_ entry: AuthLogEntry) -> [String?] {
            [
                entry.time.formatted(.iso8601), entry.user, entry.firstName, entry.lastName, entry.email, entry.phone,
                entry.deviceToken, entry.mode, entry.result.rawValue, entry.outcome, entry.reason, entry.serverName,
                entry.serverIP, entry.clientIP, entry.application, entry.transactionId, entry.client, entry.provider,
            ]
        }
    }

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Per provider: users configured for MFA, verifications by method and result, SMS and voice by country, and what is billed."
        )
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The month, YYYY-MM (UTC); this month when absent.") var month: String?

        func run() async throws {
            let month = month ?? ReportMonth(containing: Date()).description
            guard ReportMonth(month) != nil else { throw ValidationError("--month must be YYYY-MM, e.g. 2026-11") }
            let report = try await connection.makeClient().request(
                "GET", "/v1/reports/usage?month=\(month)", as: UsageReport.self)
            try output.print(report) { report in
                guard !report.providers.isEmpty else { return "No activity in \(report.month)." }
                return report.providers.map { usage in
                    var lines = [
                        "Provider \(usage.provider) (\(usage.billing.rawValue)), \(report.month)",
                        "  Users configured for MFA: \(usage.usersConfigured) (licensed: \(usage.licensedUsers))",
                    ]
                    for count in usage.verifications {
                        lines.append("  \(count.method) \(count.result.rawValue): \(count.count)")
                    }
                    for send in usage.phoneSends {
                        lines.append("  \(send.method) to \(send.country): \(send.count)")
                    }
                    let unit = usage.billing == .perUser ? "users" : "authentications"
                    lines.append("  Billable: \(usage.billable) \(unit)")
                    return lines.joined(separator: "\n")
                }.joined(separator: "\n\n")
            }
        }
    }
}

struct LicenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license", abstract: "Mark that a user holds a license (left out of per-user billing), or not.")
    enum State: String, ExpressibleByArgument, CaseIterable {
        case on
        case off
    }
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The user's name.") var name: String
    @Argument(help: "on or off.") var state: State

    func run() async throws {
        let user = try await connection.makeClient().request(
            "POST", "/v1/users/\(name.pathSegment)/license", body: SetLicenseRequest(licensed: state == .on),
            as: UserView.self)
        print("User '\(user.name)' \(user.licensed ? "holds" : "does not hold") a license")
    }
}

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete auth-log rows older than a day (never the current month's).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The first day to keep, YYYY-MM-DD.") var before: String

    func run() async throws {
        // Read exactly: a day that does not exist (2026-02-30) is refused, never rolled over.
        guard before.utf8.count == 10, let date = StrictDate.parse(before) else {
            throw ValidationError("--before must be a day that exists, YYYY-MM-DD (not '\(before)')")
        }
        let result = try await connection.makeClient().request(
            "POST", "/v1/log/prune", body: PruneLogRequest(before: date), as: PruneLogResult.self)
        print("Deleted \(counted(result.deleted, "row")) older than \(result.before.formatted(.iso8601))")
    }
}
