import ArgumentParser
import CountersignCore

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Applications (VPNs, web apps) allowed to ask for a second factor.",
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a client and print its API key (shown once; only a hash is kept).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The client's name (the application that asks for sign-ins).") var name: String

        func run() async throws {
            let created = try await connection.makeClient().request(
                "POST", "/v1/clients", body: CreateClientRequest(name: name), as: CreatedClient.self)
            print("Client '\(created.client.name)' created. Its API key (shown once):")
            print("  \(created.apiKey)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let clients = try await connection.makeClient().request("GET", "/v1/clients", as: [ClientView].self)
            try output.print(clients) { clients in
                var table = TextTable("NAME", "CREATED", "LAST USED")
                for client in clients {
                    table.add(client.name, client.createdAt.shortText, client.lastUsedAt?.shortText ?? "-")
                }
                return table.rendered
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client: its API key stops working.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The client's name (the application that asks for sign-ins).") var name: String

        func run() async throws {
            try await connection.makeClient().requestWithoutAnswer("DELETE", "/v1/clients/\(name.pathSegment)")
            print("Deleted client '\(name)'")
        }
    }
}
