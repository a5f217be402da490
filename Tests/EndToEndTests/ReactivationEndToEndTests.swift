import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// Re-activation with real processes: the server in development mode, its gateway emulator, the
/// operator's command line and simulated phones.
@Suite("Re-activation end to end with real processes", .serialized)
struct ReactivationEndToEndTests {
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// `countersign auth USER --no-wait` and the number it prints.
    func startPush(_ server: ServerProcess, _ apiKey: String, _ user: String) throws -> Executables.Result {
        try workspace.admin(
            server, ["auth", user, "--method", "push", "--no-wait", "--application", "VPN"],
            environment: ["COUNTERSIGN_API_KEY": apiKey])
    }

    func number(in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("Number:") }?.split(separator: " ").last.map(String.init)
    }

    func approve(_ server: ServerProcess, _ apiKey: String, _ user: String) throws {
        let started = try startPush(server, apiKey, user)
        #expect(started.status == 0, "\(started.errors)")
        let shown = try #require(self.number(in: started.output))
        let listened = try workspace.phone([
            "listen", "--phone", user, "--auto", "approve", "--number", shown, "--once", "--timeout", "30",
        ])
        #expect(listened.output.contains("the sign-in is approved"), "\(listened.output) \(listened.errors)")
    }

    @Test("re-activate: push refused, SMS still works, the stale phone is told, one user re-pairs, one is pending")
    func reactivation() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        for (user, phone) in [("ann", "+14155550131"), ("bob", "+14155550132")] {
            #expect(try workspace.admin(server, ["user", "add", user, "--phone", phone]).status == 0)
            let url = try #require(
                try workspace.admin(server, ["user", "pair", user]).output.split(separator: "\n").last.map(String.init))
            #expect(try workspace.phone(["pair", url, "--platform", "apns", "--phone", user]).status == 0)
        }
        try approve(server, apiKey, "ann")

        // A new provider in the same tenant as the development one keeps its gateways.
        #expect(
            try workspace.admin(server, ["provider", "create", "beta", "--billing", "per-user", "--tenant", "local"])
                .status == 0)
        // Without a terminal to ask, it needs --yes; at a terminal, anything but "yes" changes nothing.
        let unconfirmed = try workspace.admin(server, ["reactivate", "--provider", "beta"])
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.errors.contains("add --yes"), "\(unconfirmed.errors)")
        let token = try workspace.adminToken()
        let asking = Terminal()
        defer { asking.close() }
        try asking.start(
            "env \(workspace.caShellPrefix)COUNTERSIGN_SERVER=\(shellQuoted(server.url)) COUNTERSIGN_TOKEN=\(shellQuoted(token)) "
                + "\(shellQuoted(Executables.directory.appendingPathComponent("countersign").path)) "
                + "reactivate --provider beta")
        let question = try await asking.waitFor("Type yes to go on:")
        #expect(question.contains("Every mobile-app pairing ends"))
        try asking.type("no")
        _ = try await asking.waitFor("Not re-activated.")
        try approve(server, apiKey, "ann")

        let relinked = try workspace.admin(server, ["reactivate", "--provider", "beta", "--yes"])
        #expect(relinked.status == 0, "\(relinked.errors)")
        #expect(relinked.output.contains("2 users and 2 mobile-app pairings must re-pair"), "\(relinked.output)")

        let refused = try startPush(server, apiKey, "ann")
        #expect(refused.status != 0)
        #expect(refused.errors.contains("must be paired (again)"), "\(refused.errors)")

        // SMS keeps working through the carried-over gateway.
        let terminal = Terminal()
        defer { terminal.close() }
        let auth = Executables.directory.appendingPathComponent("countersign").path
        try terminal.start(
            "env \(workspace.caShellPrefix)COUNTERSIGN_SERVER=\(shellQuoted(server.url)) COUNTERSIGN_API_KEY=\(shellQuoted(apiKey)) \(shellQuoted(auth)) auth ann --method sms"
        )
        _ = try await terminal.waitFor("Code from the text message:")
        let text = try workspace.phone(["sms", "--phone", "ann", "--number", "+14155550131", "--code-only"])
        try terminal.type(text.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await terminal.waitFor("Result:").contains("Result:      approved"))

        // A wait for a text that does not come ends with its own status and words, not a usage banner.
        let noText = try workspace.phone(["sms", "--phone", "ann", "--wait", "1"])
        #expect(noText.status == 3, "\(noText.errors)")
        #expect(noText.errors.contains("no new text message for +14155550131"), "\(noText.errors)")
        #expect(!noText.errors.contains("Usage"))

        // Bob's phone asks the server and marks the pairing the re-activation ended.
        let bobs = try workspace.phone(["accounts", "--phone", "bob"])
        #expect(bobs.output.contains("no longer accepted"), "\(bobs.output)")
        let bobsAccount = try workspace.phoneState("bob").account(named: nil)
        #expect(bobsAccount.isInvalidated)
        // --offline asks no server: what was learnt stays, what was not is unknown (null).
        func offlineStanding(_ phone: String) throws -> [Bool?] {
            let listed = try workspace.phone(["accounts", "--phone", phone, "--offline", "--format", "json"])
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
            return rows.map { $0["accepted"] as? Bool }
        }
        #expect(try offlineStanding("bob") == [false])
        #expect(try offlineStanding("ann") == [nil])
        #expect(try !workspace.phoneState("ann").account(named: nil).isInvalidated)

        // The same phone then pairs Carol; answering a sign-in without naming an account passes
        // Bob's ended one by.
        #expect(try workspace.admin(server, ["user", "add", "carol"]).status == 0)
        let carolURL = try #require(
            try workspace.admin(server, ["user", "pair", "carol"]).output.split(separator: "\n").last.map(String.init))
        #expect(try workspace.phone(["pair", carolURL, "--phone", "bob"]).status == 0)
        let carolsSignIn = try startPush(server, apiKey, "carol")
        let transaction = try #require(
            carolsSignIn.output.split(separator: "\n").first { $0.hasPrefix("Transaction:") }?.split(separator: " ")
                .last.map(String.init))
        let carolApproves = try workspace.phone([
            "approve", transaction, "--number", try #require(number(in: carolsSignIn.output)), "--phone", "bob",
        ])
        #expect(
            carolApproves.output.contains("the sign-in is approved"), "\(carolApproves.output)\(carolApproves.errors)")

        // The stale phone is told what is wrong and what to do.
        let stale = try workspace.phone(["listen", "--phone", "ann", "--once", "--timeout", "5"])
        #expect(stale.output.contains("Authentication request is not for an activated account"), "\(stale.output)")
        #expect(stale.output.contains("countersign-phone remove"))

        // Ann re-pairs with the campaign's code and approves again; Bob has not.
        // A first run, as a table: its codes' expiry is printed, and the next run revokes them.
        let firstRun = try workspace.admin(server, ["repair-campaign", "start", "--valid-for", "600"])
        #expect(firstRun.output.contains("Codes work until"), "\(firstRun.output)\(firstRun.errors)")
        #expect(firstRun.output.contains("removes the old account"))
        let campaign = try workspace.admin(server, ["repair-campaign", "start", "--format", "json"])
        let issued = try APIJSON.makeDecoder().decode([RepairStatus].self, from: Data(campaign.output.utf8))
        #expect(issued.map(\.user) == ["ann", "bob"])
        let url = try #require(issued.first?.pairingURL)
        // Pairing again under the same user and server replaces the ended account.
        let old = try workspace.phoneState("ann").account(named: nil)
        let repaired = try workspace.phone(["pair", url, "--platform", "apns", "--phone", "ann"])
        #expect(repaired.output.contains("replaces the account paired before with device \(old.deviceId)"))
        let accounts = try workspace.phoneState("ann").accounts()
        #expect(accounts.count == 1 && accounts.first?.deviceId != old.deviceId)
        try approve(server, apiKey, "ann")

        let status = try workspace.admin(server, ["repair-campaign", "status", "--format", "json"])
        let statuses = try APIJSON.makeDecoder().decode([RepairStatus].self, from: Data(status.output.utf8))
        #expect(statuses == [RepairStatus(user: "ann", repaired: true), RepairStatus(user: "bob", repaired: false)])
        #expect(try await server.terminate() == 0)
    }
}
