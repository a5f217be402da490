import ArgumentParser
import CountersignCore
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users and pair their phones.",
        subcommands: [
            Add.self, List.self, Show.self, Disable.self, Enable.self, Unlock.self, Reset.self, LicenseCommand.self,
            Delete.self, Pair.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's unique name (as the VPN or web app knows them).") var name: String
        @Option(help: "First name.") var first: String?
        @Option(help: "Last name.") var last: String?
        @Option(help: "Email address.") var email: String?
        @Option(help: "Phone number in E.164 form, e.g. +14155550100.") var phone: String?
        @Option(help: "Two-letter country code, e.g. US.") var country: String?

        func run() async throws {
            let request = CreateUserRequest(
                name: name, firstName: first, lastName: last, email: email, phone: phone, country: country)
            let user = try await connection.makeClient().request("POST", "/v1/users", body: request, as: UserView.self)
            print("Added user '\(user.name)'")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "At most this many users (default: all of them, read page by page).") var limit: Int?

        func run() async throws {
            let users = try await connection.makeClient().requestAll("/v1/users", as: UserView.self, limit: limit)
            try output.print(users) { users in
                var table = TextTable("NAME", "FULL NAME", "PHONE", "STATUS", "DEVICES")
                for user in users {
                    let fullName = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
                    table.add(
                        user.name, fullName.isEmpty ? "-" : fullName, user.phone.orDash, user.status.rawValue,
                        String(user.activeDevices))
                }
                return table.rendered
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one user.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let user = try await connection.makeClient().request(
                "GET", "/v1/users/\(name.pathSegment)", as: UserView.self)
            try output.print(user) { user in
                """
                Name:        \(user.name)
                First name:  \(user.firstName.orDash)
                Last name:   \(user.lastName.orDash)
                Email:       \(user.email.orDash)
                Phone:       \(user.phone.orDash)
                Country:     \(user.country.orDash)
                Status:      \(user.status.rawValue)
                Devices:     \(user.activeDevices) active
                Code lock:   \(user.lockedUntil.map { "locked until \($0.shortText)" } ?? "none")
                Push block:  \(user.pushBlockedUntil.map { "blocked until \($0.shortText) after a fraud report ('countersign user unlock' lifts it)" } ?? "none")
                Created:     \(user.createdAt.shortText)
                """
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: no sign-ins, no pairing.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let user = try await connection.makeClient().request(
                "POST", "/v1/users/\(name.pathSegment)/disable", as: UserView.self)
            print("User '\(user.name)' is \(user.status.rawValue)")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a user's wrong-code count and lift the lock on their code methods.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let user = try await connection.makeClient().request(
                "POST", "/v1/users/\(name.pathSegment)/unlock", as: UserView.self)
            print("User '\(user.name)' is unlocked")
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Clear what a user registered (paired apps, app passwords, pending sign-ins and codes) so they register again."
        )
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let result = try await connection.makeClient().request(
                "POST", "/v1/users/\(name.pathSegment)/reset", as: UserResetResult.self)
            print(
                """
                User '\(name)' is reset: \(counted(result.devicesRemoved, "paired app")) removed, \
                \(counted(result.appPasswordsDeleted, "app password")) deleted, \
                \(counted(result.pendingSignInsEnded, "pending sign-in")) ended, \
                \(counted(result.activationCodesRevoked, "unused activation code")) revoked.
                Hardware tokens stay assigned. Pair the phone again with 'countersign user pair \(name)'.
                """)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            let user = try await connection.makeClient().request(
                "POST", "/v1/users/\(name.pathSegment)/enable", as: UserView.self)
            print("User '\(user.name)' is \(user.status.rawValue)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user with their devices and codes.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await connection.makeClient().requestWithoutAnswer("DELETE", "/v1/users/\(name.pathSegment)")
            print("Deleted user '\(name)'")
        }
    }

    struct Pair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a single-use activation code and print the URL a phone redeems to pair.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name.") var name: String
        @Option(help: "Seconds the code stays valid (default: the server's, 600).") var validFor: Int?

        func run() async throws {
            let code = try await connection.makeClient().request(
                "POST", "/v1/users/\(name.pathSegment)/pairing-codes",
                body: CreatePairingCodeRequest(validForSeconds: validFor), as: PairingCodeView.self)
            try output.print(code) { code in
                """
                Pairing URL for '\(code.user)' (single use, valid until \(code.expiresAt.shortText)):
                \(code.url)
                """
            }
        }
    }
}
