import ArgumentParser
import CountersignCore

struct AppPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app-password",
        abstract: "App passwords, for clients that cannot ask for a second factor (where the provider allows them).",
        subcommands: [Create.self, List.self, Delete.self, DeleteAll.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an app password and print it (shown once; only a slow salted hash is kept).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var user: String
        @Option(help: "What it is for, e.g. 'mail on the old laptop'.") var name: String?

        func run() async throws {
            let created = try await connection.makeClient().request(
                "POST", "/v1/users/\(user.pathSegment)/app-passwords", body: CreateAppPasswordRequest(name: name),
                as: CreatedAppPassword.self)
            print("App password for '\(user)' (shown once; type it where the client asks for a password):")
            print("  \(created.password)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's app passwords (never the passwords).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name.") var user: String

        func run() async throws {
            let passwords = try await connection.makeClient().request(
                "GET", "/v1/users/\(user.pathSegment)/app-passwords", as: [AppPasswordView].self)
            try output.print(passwords) { passwords in
                var table = TextTable("ID", "NAME", "CREATED", "LAST USED")
                for password in passwords {
                    table.add(
                        password.id, password.name.orDash, password.createdAt.shortText,
                        password.lastUsedAt?.shortText ?? "-")
                }
                return table.rendered
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete one of a user's app passwords, by the ID 'app-password list' shows.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user.") var user: String
        @Argument(help: "The app password's ID.") var id: String

        func run() async throws {
            try await connection.makeClient().requestWithoutAnswer(
                "DELETE", "/v1/users/\(user.pathSegment)/app-passwords/\(id.pathSegment)")
            print("Deleted app password \(id) of '\(user)'")
        }
    }

    struct DeleteAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-all", abstract: "Delete all of a user's app passwords (a lost phone or laptop).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var user: String

        func run() async throws {
            let result = try await connection.makeClient().request(
                "DELETE", "/v1/users/\(user.pathSegment)/app-passwords", as: DeletedAppPasswords.self)
            print("Deleted \(counted(result.deleted, "app password")) of '\(user)'")
        }
    }
}
