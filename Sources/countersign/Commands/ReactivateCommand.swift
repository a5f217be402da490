import ArgumentParser
import CountersignCore
import Foundation

struct ReactivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactivate",
        abstract:
            "Re-link this server to a provider with a new server key; every mobile-app pairing must be made again.",
        discussion: """
            SMS, voice, hardware tokens and app passwords keep working. Phones paired before are told \
            "Authentication request is not for an activated account" until their users pair again \
            ('countersign repair-campaign start' gives each a fresh code).
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The provider to link to.") var provider: String
    @Flag(help: "Re-activate even with the current provider (a forced re-activation).") var force = false
    @Flag(help: "Do not ask for confirmation (for scripts; without a terminal it is required).") var yes = false

    func run() async throws {
        try confirm()
        let result = try await connection.makeClient().request(
            "POST", "/v1/activations/reactivate", body: ReactivateRequest(provider: provider, force: force),
            as: ReactivationResult.self)
        print("Re-activated with provider '\(result.activation.provider)' (was '\(result.previousProvider)').")
        print("Activation id: \(result.activation.id)")
        print(
            "\(counted(result.usersToRepair, "user")) and \(counted(result.devicesInvalidated, "mobile-app pairing")) must re-pair; \(counted(result.signInsEnded, "waiting push sign-in")) ended."
        )
        if result.tenantChanged {
            print("The new provider is in another tenant: settings start from its own, not the old provider's.")
        } else if !result.carriedOver.isEmpty {
            print(
                "Same tenant: carried over from '\(result.previousProvider)': \(result.carriedOver.joined(separator: ", "))."
            )
        } else {
            print("Same tenant: settings are kept.")
        }
        print("SMS, voice, hardware tokens and app passwords keep working. Next: countersign repair-campaign start")
    }

    /// Every user's app pairing ends with this command, so a person at a terminal types "yes" first;
    /// a script, with no terminal to ask, must say --yes.
    func confirm() throws {
        guard !yes else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("re-activating ends every mobile-app pairing; add --yes to do it without a terminal")
        }
        print(
            "Re-activate with provider '\(provider)'? Every mobile-app pairing ends and each user must pair again.")
        print("Type yes to go on: ", terminator: "")
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
            print("Not re-activated.")
            throw ExitCode.failure
        }
    }
}

struct RepairCampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair-campaign", abstract: "Get the users of a re-activated server to pair their apps again.",
        subcommands: [Start.self, Status.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a fresh activation code to every user who has not re-paired (single use, usual expiry).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "print (list the pairing URLs here) or sms (text them to each user's phone).")
        var send: RepairDelivery = .print
        @Option(
            name: .customLong("valid-for"),
            help: "Seconds each code works (default: the server's pairing-code lifetime).")
        var validFor: Int?

        func run() async throws {
            let issued = try await connection.makeClient().request(
                "POST", "/v1/repair-campaign", body: StartRepairCampaignRequest(send: send, validForSeconds: validFor),
                as: [RepairStatus].self)
            try output.print(issued) { issued in
                guard !issued.isEmpty else { return "Every affected user has re-paired." }
                var table = TextTable("USER", send == .print ? "PAIRING URL" : "TEXTED")
                for status in issued {
                    table.add(status.user, status.pairingURL ?? (status.problem.map { "no: \($0)" } ?? "yes"))
                }
                let expiry = issued.compactMap(\.expiresAt).min().map { "Codes work until \($0.shortText); " } ?? ""
                return table.rendered
                    + "\n\(expiry)codes from earlier runs no longer work. Each user removes the old account from the app, then pairs."
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who has re-paired and who has not.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let statuses = try await connection.makeClient().request(
                "GET", "/v1/repair-campaign", as: [RepairStatus].self)
            try output.print(statuses) { statuses in
                var table = TextTable("USER", "STATUS")
                for status in statuses { table.add(status.user, status.repaired ? "re-paired" : "pending") }
                let done = statuses.filter(\.repaired).count
                return table.rendered
                    + "\n\(done) of \(counted(statuses.count, "user")) \(done == 1 ? "has" : "have") re-paired."
            }
        }
    }
}

extension RepairDelivery: ExpressibleByArgument {}
