import ArgumentParser
import CountersignCore
import Foundation

extension RadiusMode: ExpressibleByArgument {}

struct RadiusClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radius-client",
        abstract: "RADIUS clients: the VPNs, firewalls and Wi-Fi controllers that ask over RADIUS.",
        discussion: """
            The server answers RADIUS when started with --radius HOST:PORT. Each client is matched by \
            the address its packets come from and must sign them with its shared secret.
            """,
        subcommands: [Add.self, List.self, Show.self, Set.self, Delete.self])

    /// The settings add and set share; each is optional, and set changes only those given.
    struct SettingsOptions: ParsableArguments {
        @Option(help: "The IP address or CIDR block the client sends from.") var address: String?
        @Option(help: "The shared secret, 16 to 128 characters (the same on the client).") var secret: String?
        @Option(
            help: """
                How the second factor is asked: challenge (the default: a code, or push with the number \
                to type on the phone), push (wait for the phone, no number), append (password,CODE or \
                password,push).
                """)
        var mode: RadiusMode?
        @Option(help: "Who checks the password: none (the client itself) or radius (the --upstream server).")
        var firstFactor: String?
        @Option(help: "The first-factor RADIUS server, HOST:PORT.") var upstream: String?
        @Option(help: "The first-factor server's shared secret.") var upstreamSecret: String?
        @Option(help: "Seconds to wait for the first-factor server (1-60; default 5).") var upstreamTimeout: Int?
        @Option(help: "Seconds the client waits for an answer, all its retries together (10-600; default 30).")
        var timeout: Int?
        @Option(
            help: "require (the default): drop requests without a Message-Authenticator; check: check it when present.")
        var messageAuthenticator: String?
        @Option(help: "In append mode, what separates the password from the code (default ,).") var delimiter: String?

        func request(name: String?) throws -> RadiusClientRequest {
            var require: Bool?
            switch messageAuthenticator {
            case nil: require = nil
            case "require": require = true
            case "check": require = false
            case let other?: throw ValidationError("--message-authenticator must be require or check, not '\(other)'")
            }
            return RadiusClientRequest(
                name: name, address: address, secret: secret, mode: mode, firstFactor: firstFactor, upstream: upstream,
                upstreamSecret: upstreamSecret, upstreamTimeoutSeconds: upstreamTimeout, timeoutSeconds: timeout,
                requireMessageAuthenticator: require, delimiter: delimiter)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow a NAS to ask over RADIUS.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Its name, shown as the application in the log and on the phone.") var name: String
        @OptionGroup var settings: SettingsOptions

        func validate() throws {
            guard settings.address != nil else { throw ValidationError("--address is needed: the IP or CIDR block") }
            guard settings.secret != nil else { throw ValidationError("--secret is needed: the shared secret") }
        }

        func run() async throws {
            let added = try await connection.makeClient().request(
                "POST", "/v1/radius-clients", body: try settings.request(name: name), as: RadiusClientView.self)
            print("RADIUS client '\(added.name)' added: \(RadiusClientCommand.summary(added))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the RADIUS clients (never their secrets).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await connection.makeClient().request("GET", "/v1/radius-clients", as: RadiusClientList.self)
            try output.print(list) { list in
                var table = TextTable("NAME", "ADDRESS", "MODE", "FIRST FACTOR", "TIMEOUT", "MESSAGE-AUTHENTICATOR")
                for client in list.clients {
                    table.add(
                        client.name, client.address, client.mode.rawValue, client.upstream ?? client.firstFactor,
                        "\(client.timeoutSeconds)s", client.requireMessageAuthenticator ? "require" : "check")
                }
                return table.rendered
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one RADIUS client.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The client's name.") var name: String

        func run() async throws {
            let client = try await connection.makeClient().request(
                "GET", "/v1/radius-clients/\(name.pathSegment)", as: RadiusClientView.self)
            try output.print(client) { RadiusClientCommand.summary($0) }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a RADIUS client's settings or secret; what is not given stays.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The client's name.") var name: String
        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let updated = try await connection.makeClient().request(
                "PATCH", "/v1/radius-clients/\(name.pathSegment)", body: try settings.request(name: nil),
                as: RadiusClientView.self)
            print("RADIUS client '\(updated.name)' changed: \(RadiusClientCommand.summary(updated))")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop answering a RADIUS client: its next packet is dropped.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The client's name.") var name: String

        func run() async throws {
            try await connection.makeClient().requestWithoutAnswer("DELETE", "/v1/radius-clients/\(name.pathSegment)")
            print("RADIUS client '\(name)' deleted.")
        }
    }

    static func summary(_ client: RadiusClientView) -> String {
        let firstFactor = client.upstream.map { "password checked by \($0)" } ?? "password checked by the client"
        let authenticator =
            client.requireMessageAuthenticator ? "Message-Authenticator required" : "Message-Authenticator checked"
        return
            "\(client.address), mode \(client.mode.rawValue), \(firstFactor), timeout \(client.timeoutSeconds)s, \(authenticator)"
    }
}
