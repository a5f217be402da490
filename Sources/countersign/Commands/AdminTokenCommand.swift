import ArgumentParser
import CountersignCore
import Foundation

struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token", abstract: "Admin tokens: one per administrator or script, each revocable.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an admin token and print it (shown once; only its hash is kept).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Who or what it is for, e.g. 'alice' or 'backup-script'.") var name: String
        @Option(help: "When it stops working: YYYY-MM-DD (the start of that day, UTC) or 2027-01-31T18:00:00Z.")
        var expires: String?

        func run() async throws {
            let expiresAt = try expires.map { text throws(ValidationError) in
                guard let date = Self.parse(text) else {
                    throw ValidationError(
                        "--expires must be YYYY-MM-DD or an ISO 8601 time such as 2027-01-31T18:00:00Z")
                }
                return date
            }
            let created = try await connection.makeClient().request(
                "POST", "/v1/admin-tokens", body: CreateAdminTokenRequest(name: name, expiresAt: expiresAt),
                as: CreatedAdminToken.self)
            let until = created.adminToken.expiresAt.map { "until \($0.shortText)" } ?? "until revoked"
            print("Admin token '\(name)' (shown once; works \(until)):")
            print("  \(created.token)")
        }

        static func parse(_ text: String) -> Date? { StrictDate.parse(text) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the admin tokens (never the tokens themselves).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tokens = try await connection.makeClient().request("GET", "/v1/admin-tokens", as: [AdminTokenView].self)
            try output.print(tokens) { tokens in
                var table = TextTable("NAME", "STATE", "CREATED", "EXPIRES", "REVOKED")
                for token in tokens {
                    table.add(
                        token.name, token.state, token.createdAt.shortText, token.expiresAt?.shortText ?? "-",
                        token.revokedAt?.shortText ?? "-")
                }
                return table.rendered
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an admin token: it gets 401 from its next request on. The last one that works stays.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The token's name, as 'admin-token list' shows it.") var name: String

        func run() async throws {
            _ = try await connection.makeClient().request(
                "DELETE", "/v1/admin-tokens/\(name.pathSegment)", as: AdminTokenView.self)
            print("Admin token '\(name)' revoked.")
        }
    }
}
