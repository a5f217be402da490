import CountersignCore
import Foundation
import Testing

/// A sign-in started by one command and followed by others, as a script does it: `auth --no-wait`,
/// then `auth status`, `auth wait` and `auth verify`; and the helpdesk's `signins list` and
/// `signins cancel`.
@Suite("Scripting a sign-in, and the helpdesk's pending sign-ins, through the command line")
struct ScriptedSignInEndToEndTests {
    struct Started {
        let transactionId: String
        let number: Int?
    }

    static func started(_ result: Executables.Result) throws -> Started {
        #expect(result.status == 0, "\(result.errors)")
        func field(_ name: String) -> String? {
            result.output.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        return Started(transactionId: try #require(field("Transaction")), number: field("Number").flatMap { Int($0) })
    }

    /// A development server and the environment that makes `countersign` its client "vpn".
    static func serverWithClient(_ workspace: DevWorkspace) async throws -> (ServerProcess, [String: String]) {
        let server = try await workspace.startServer()
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        return (server, ["COUNTERSIGN_API_KEY": apiKey])
    }

    @Test(
        "auth status and auth wait follow a sign-in started with --no-wait; signins list shows it and signins cancel ends it, waking the wait"
    )
    func followAndCancel() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let (server, asClient) = try await Self.serverWithClient(workspace)
        _ = try workspace.pairPhone(server, user: "ann", platform: "apns")
        #expect(try workspace.admin(server, ["user", "add", "bob"]).status == 0)

        let first = try Self.started(
            workspace.admin(server, ["auth", "ann", "--no-wait", "--application", "VPN"], environment: asClient))
        let status = try workspace.admin(server, ["auth", "status", first.transactionId], environment: asClient)
        #expect(status.status == 0, "\(status.errors)")
        #expect(status.output.contains("State:       pending") && status.output.contains("User:        ann"))
        #expect(status.output.contains("Number:      \(try #require(first.number))"), "\(status.output)")

        let listed = try workspace.admin(server, ["signins", "list"])
        #expect(listed.output.contains(first.transactionId) && listed.output.contains("vpn"), "\(listed.output)")
        let json = try workspace.admin(server, ["signins", "list", "--user", "ann", "--format", "json"])
        let list = try APIJSON.makeDecoder().decode(PendingSignInList.self, from: Data(json.output.utf8))
        #expect(list.signIns.map(\.transactionId) == [first.transactionId] && list.signIns.first?.method == .push)
        #expect(
            try workspace.admin(server, ["signins", "list", "--user", "bob"]).output.contains("No sign-ins are waiting")
        )
        let nobody = try workspace.admin(server, ["signins", "list", "--user", "nobody"])
        #expect(nobody.status != 0 && nobody.errors.contains("no user is named 'nobody'"), "\(nobody.errors)")

        // A script waits; the helpdesk ends the sign-in; the wait ends at once with the reason.
        let waiting = try workspace.startAdmin(server, ["auth", "wait", first.transactionId], environment: asClient)
        try await Task.sleep(for: .milliseconds(300))
        #expect(waiting.process.isRunning, "auth wait ended before the sign-in did")
        let cancelled = try workspace.admin(server, ["signins", "cancel", first.transactionId])
        #expect(cancelled.status == 0, "\(cancelled.errors)")
        #expect(cancelled.output.contains("ended: failed (cancelled by an administrator)"), "\(cancelled.output)")
        let deadline = ContinuousClock.now + .seconds(10)
        while waiting.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let waited = try waiting.result()
        #expect(waited.status == 1, "\(waited.output)\(waited.errors)")
        #expect(waited.output.contains("Result:      failed (cancelled by an administrator)"), "\(waited.output)")
        let again = try workspace.admin(server, ["signins", "cancel", first.transactionId])
        #expect(again.status != 0 && again.errors.contains("has already ended (failed)"), "\(again.errors)")
        let log = try workspace.admin(server, ["log", "--user", "ann", "--format", "json"])
        let entries = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(log.output.utf8)).entries
        #expect(
            entries.first?.reason == "cancelled by an administrator"
                && entries.first?.transactionId == first.transactionId)
        let audit = try workspace.admin(server, ["audit"])
        #expect(audit.output.contains("POST /v1/signins/{txid}/cancel"), "\(audit.output)")

        // Approved by the phone after the start: auth wait exits 0.
        let second = try Self.started(
            workspace.admin(server, ["auth", "ann", "--no-wait", "--application", "VPN"], environment: asClient))
        let approved = try workspace.phone([
            "listen", "--phone", "ann", "--auto", "approve", "--number", String(try #require(second.number)), "--once",
            "--timeout", "30",
        ])
        #expect(approved.status == 0, "\(approved.errors)")
        let waitedApproved = try workspace.admin(server, ["auth", "wait", second.transactionId], environment: asClient)
        #expect(waitedApproved.status == 0 && waitedApproved.output.contains("Result:      approved"))

        let unknown = try workspace.admin(server, ["auth", "status", "no-such-id"], environment: asClient)
        #expect(unknown.status != 0 && unknown.errors.contains("no authentication request has id"), "\(unknown.errors)")
        #expect(try await server.terminate() == 0)
    }

    @Test("auth verify gives a texted code to a sign-in started with --no-wait; a wrong one is denied")
    func verifyLater() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let (server, asClient) = try await Self.serverWithClient(workspace)
        let number = "+14155550177"
        #expect(try workspace.admin(server, ["user", "add", "carol", "--phone", number]).status == 0)

        let texted = try Self.started(
            workspace.admin(server, ["auth", "carol", "--method", "sms", "--no-wait"], environment: asClient))
        let pending = try workspace.admin(server, ["signins", "list", "--user", "carol", "--format", "json"])
        #expect(
            try APIJSON.makeDecoder().decode(PendingSignInList.self, from: Data(pending.output.utf8)).signIns.first?
                .method == .sms)
        let text = try workspace.phone(["sms", "--phone", "carol", "--number", number, "--code-only"])
        let code = text.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code.count == 6, "\(text.output)\(text.errors)")
        let verified = try workspace.admin(
            server, ["auth", "verify", texted.transactionId, "--code", code], environment: asClient)
        #expect(
            verified.status == 0 && verified.output.contains("Result:      approved"),
            "\(verified.output)\(verified.errors)")

        let second = try Self.started(
            workspace.admin(server, ["auth", "carol", "--method", "sms", "--no-wait"], environment: asClient))
        let wrong = code == "000000" ? "111111" : "000000"
        let denied = try workspace.admin(
            server, ["auth", "verify", second.transactionId, "--code", wrong], environment: asClient)
        #expect(denied.status != 0, "\(denied.output)")
        #expect(try await server.terminate() == 0)
    }
}
