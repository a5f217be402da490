import ArgumentParser
import CountersignCore

extension BillingModel: ExpressibleByArgument {}

struct ProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider", abstract: "Create and inspect providers.",
        subcommands: [Create.self, List.self, Show.self, Set.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a provider. Its billing model is fixed for good.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The provider's name.") var name: String
        @Option(help: "per-user or per-authentication.") var billing: BillingModel
        @Option(help: "The tenant the provider belongs to.") var tenant: String?

        func run() async throws {
            let provider = try await connection.makeClient().request(
                "POST", "/v1/providers", body: CreateProviderRequest(name: name, billing: billing, tenant: tenant),
                as: ProviderView.self)
            print(
                "Created provider '\(provider.name)' (billing \(provider.billing.rawValue), tenant \(provider.tenant))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List providers.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let providers = try await connection.makeClient().request("GET", "/v1/providers", as: [ProviderView].self)
            try output.print(providers) { providers in
                var table = TextTable("NAME", "BILLING", "TENANT", "CURRENT", "CREATED")
                for provider in providers {
                    table.add(
                        provider.name, provider.billing.rawValue, provider.tenant, provider.isCurrent ? "yes" : "",
                        provider.createdAt.shortText)
                }
                return table.rendered
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one provider.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument var name: String

        func run() async throws {
            let provider = try await connection.makeClient().request(
                "GET", "/v1/providers/\(name.pathSegment)", as: ProviderView.self)
            try output.print(provider) { provider in
                """
                Name:     \(provider.name)
                Billing:  \(provider.billing.rawValue)
                Tenant:   \(provider.tenant)
                Current:  \(provider.isCurrent ? "yes" : "no")
                Created:  \(provider.createdAt.shortText)
                """
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a provider's settings. The billing model cannot change; create another provider instead.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String
        @Option(help: "Refused unless it is the current model.") var billing: BillingModel?

        func run() async throws {
            let provider = try await connection.makeClient().request(
                "PATCH", "/v1/providers/\(name.pathSegment)", body: UpdateProviderRequest(billing: billing),
                as: ProviderView.self)
            print("Provider '\(provider.name)' unchanged: billing \(provider.billing.rawValue)")
        }
    }
}

extension String {
    /// Escapes a name for use as one path segment.
    var pathSegment: String {
        addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? self
    }
}
