import ArgumentParser
import CountersignCore
import Foundation

/// The helpdesk's view of sign-ins still waiting for their users.
struct SignInsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signins", abstract: "Sign-ins still waiting for their users: list them, or end one.",
        subcommands: [List.self, Cancel.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the push, SMS and voice sign-ins still waiting for an answer, oldest first.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this user's.") var user: String?
        @Option(help: "At most this many (1-1000).") var limit: Int = 100

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        }

        func run() async throws {
            let path = "/v1/signins?limit=\(limit)" + (user.map { "&user=\($0.queryValue)" } ?? "")
            let list = try await connection.makeClient().request("GET", path, as: PendingSignInList.self)
            try output.print(list) { list in
                guard !list.signIns.isEmpty else { return "No sign-ins are waiting." }
                var table = TextTable("TRANSACTION", "USER", "METHOD", "CLIENT", "STARTED", "DEADLINE")
                for signIn in list.signIns {
                    table.add(
                        signIn.transactionId, signIn.user, signIn.method.rawValue, signIn.client,
                        signIn.createdAt.shortText, signIn.deadline.shortText)
                }
                return table.rendered
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "End a waiting sign-in of any client: it fails ('cancelled by an administrator'), with its row in the auth log, and the application waiting on it hears so at once."
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The transaction id ('signins list' shows them).") var transaction: String

        func run() async throws {
            let ended = try await connection.makeClient().request(
                "POST", "/v1/signins/\(transaction.pathSegment)/cancel", as: AuthTransaction.self)
            print(
                "Sign-in \(ended.transactionId) of \(ended.user) ended: \(ended.state.rawValue) (\(ended.reason ?? "-"))"
            )
        }
    }
}
