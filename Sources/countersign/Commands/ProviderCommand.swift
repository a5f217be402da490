import ArgumentParser
import CountersignCore

extension BillingModel: ExpressibleByArgument {}

struct ProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider", abstract: "Create and inspect providers.",
        subcommands: [
            Create.self, List.self, Show.self, Set.self, PushSet.self, PushShow.self, TelephonySet.self,
            TelephonyShow.self,
        ])

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
        @Argument(help: "The provider's name.") var name: String

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
        @Argument(help: "The provider's name.") var name: String
        @Option(help: "Refused unless it is the current model.") var billing: BillingModel?
        @Option(help: "allow or forbid app passwords for this provider's users.") var appPasswords: Permission?
        @Option(help: "The E.164 number SMS codes come from outside the US and Canada ('' clears it).")
        var smsLongNumber: String?
        @Option(help: "The E.164 caller ID voice calls show ('' clears it).") var voiceCallerId: String?

        enum Permission: String, ExpressibleByArgument, CaseIterable {
            case allow
            case forbid
        }

        func run() async throws {
            let update = UpdateProviderRequest(
                billing: billing, allowAppPasswords: appPasswords.map { $0 == .allow }, smsLongNumber: smsLongNumber,
                voiceCallerId: voiceCallerId)
            let provider = try await connection.makeClient().request(
                "PATCH", "/v1/providers/\(name.pathSegment)", body: update, as: ProviderView.self)
            print(
                """
                Provider '\(provider.name)': billing \(provider.billing.rawValue), app passwords \(provider.settings.allowAppPasswords ? "allowed" : "forbidden"), \
                SMS long number \(provider.settings.smsLongNumber.orDash), voice caller ID \(provider.settings.voiceCallerId.orDash)
                """)
        }
    }
}

extension ProviderCommand {
    struct PushSet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push-set",
            abstract: "Give a provider its APNs and/or FCM credentials (private keys are sealed at rest).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The provider's name.") var name: String
        @Option(help: "The APNs .p8 key file.") var apnsKey: String?
        @Option(help: "The APNs key id.") var apnsKeyId: String?
        @Option(help: "The Apple team id.") var apnsTeamId: String?
        @Option(help: "The app's bundle id (apns-topic).") var apnsTopic: String?
        @Option(help: "APNs base URL.") var apnsURL: String = "https://api.push.apple.com"
        @Option(help: "The FCM service-account key file.") var fcmServiceAccount: String?
        @Option(help: "FCM base URL.") var fcmURL: String = "https://fcm.googleapis.com"
        @Option(help: "PEM roots to trust instead of the system's (for an emulator).") var trustRoots: String?

        func run() async throws {
            let roots = try trustRoots.map { try String(contentsOfFile: $0, encoding: .utf8) }
            var apns: ProviderPushSettings.APNs?
            if let apnsKey {
                guard let apnsKeyId, let apnsTeamId, let apnsTopic else {
                    throw ValidationError("--apns-key needs --apns-key-id, --apns-team-id and --apns-topic")
                }
                apns = .init(
                    baseURL: apnsURL, keyId: apnsKeyId, teamId: apnsTeamId, topic: apnsTopic,
                    privateKeyPEM: try String(contentsOfFile: apnsKey, encoding: .utf8), trustRootsPEM: roots)
            }
            let fcm = try fcmServiceAccount.map {
                ProviderPushSettings.FCM(
                    baseURL: fcmURL, serviceAccountJSON: try String(contentsOfFile: $0, encoding: .utf8),
                    trustRootsPEM: roots)
            }
            guard apns != nil || fcm != nil else { throw ValidationError("give --apns-key or --fcm-service-account") }
            let view = try await connection.makeClient().request(
                "PUT", "/v1/providers/\(name.pathSegment)/push", body: ProviderPushSettings(apns: apns, fcm: fcm),
                as: ProviderPushSettingsView.self)
            print(
                "Push credentials of '\(view.provider)' set: APNs \(view.apns == nil ? "no" : "yes"), FCM \(view.fcm == nil ? "no" : "yes")"
            )
        }
    }

    struct PushShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push-show", abstract: "Show a provider's push credentials (without the keys).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The provider's name.") var name: String

        func run() async throws {
            let view = try await connection.makeClient().request(
                "GET", "/v1/providers/\(name.pathSegment)/push", as: ProviderPushSettingsView.self)
            try output.print(view) { view in
                [
                    "Provider:  \(view.provider)",
                    "APNs:      "
                        + (view.apns.map { "\($0.baseURL) key \($0.keyId) team \($0.teamId) topic \($0.topic)" }
                            ?? "none"),
                    "FCM:       " + (view.fcm.map { "\($0.baseURL) project \($0.projectId)" } ?? "none"),
                ].joined(separator: "\n")
            }
        }
    }
}

extension String {
    /// Escapes a name for use as one path segment.
    var pathSegment: String {
        addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? self
    }
}

extension ProviderCommand {
    struct TelephonySet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "telephony-set",
            abstract: "Give a provider its SMS and voice gateways, tried in order (credentials are sealed at rest).",
            discussion: """
                Each --gateway is an https URL that takes a POST per text or call. --auth-header, --body-template \
                and --trust-roots apply to the gateway at the same position, or to all when given once. The \
                template's placeholders are {{kind}}, {{to}}, {{from}}, {{text}}, {{callback}} and {{id}}.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The provider's name.") var name: String
        @Option(help: "A gateway URL; repeat for failover.") var gateway: [String] = []
        @Option(help: "A header line such as 'Authorization: Bearer KEY'.") var authHeader: [String] = []
        @Option(help: "The JSON body template (default: the emulator's format).") var bodyTemplate: [String] = []
        @Option(help: "A PEM file of roots to trust instead of the system's.") var trustRoots: [String] = []

        func run() async throws {
            guard !gateway.isEmpty else { throw ValidationError("give at least one --gateway URL") }
            func value(_ list: [String], _ index: Int, _ flag: String) throws -> String? {
                switch list.count {
                case 0: return nil
                case 1: return list[0]
                case gateway.count: return list[index]
                default: throw ValidationError("give \(flag) once, or once per --gateway")
                }
            }
            let gateways = try gateway.indices.map { index in
                TelephonyGatewaySettings(
                    url: gateway[index], authHeader: try value(authHeader, index, "--auth-header"),
                    bodyTemplate: try value(bodyTemplate, index, "--body-template"),
                    trustRootsPEM: try value(trustRoots, index, "--trust-roots").map {
                        try String(contentsOfFile: $0, encoding: .utf8)
                    })
            }
            let view = try await connection.makeClient().request(
                "PUT", "/v1/providers/\(name.pathSegment)/telephony", body: TelephonySettings(gateways: gateways),
                as: TelephonySettingsView.self)
            print(
                "Provider '\(name)' sends SMS and voice through \(view.gateways.map(\.url).joined(separator: ", then "))"
            )
        }
    }

    struct TelephonyShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "telephony-show", abstract: "Show a provider's telephony gateways (never their credentials).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The provider's name.") var name: String

        func run() async throws {
            let view = try await connection.makeClient().request(
                "GET", "/v1/providers/\(name.pathSegment)/telephony", as: TelephonySettingsView.self)
            try output.print(view) { view in
                guard !view.gateways.isEmpty else { return "No telephony gateway: SMS and voice cannot be sent." }
                var table = TextTable("ORDER", "URL", "AUTH HEADER", "TEMPLATE", "TRUST")
                for (index, gateway) in view.gateways.enumerated() {
                    table.add(
                        String(index + 1), gateway.url, gateway.hasAuthHeader ? "set" : "-",
                        gateway.customTemplate ? "custom" : "default", gateway.customTrustRoots ? "custom" : "system")
                }
                return table.rendered
            }
        }
    }
}
