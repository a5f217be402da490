import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// `countersign-phone listen` as a person uses it: in a real terminal, typing the number and the decision.
@Suite("countersign-phone listen in a real terminal", .serialized)
struct InteractiveListenTests {
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test("the prompt shows the request, takes the number and the decision, and the sign-in is approved")
    func approvesAtThePrompt() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let created = try workspace.admin(server, ["client", "create", "web"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        _ = try workspace.pairPhone(server, user: "dora", platform: "fcm")

        let terminal = Terminal()
        defer { terminal.close() }
        let phone = Executables.directory.appendingPathComponent("countersign-phone").path
        try terminal.start(
            "env \(workspace.caShellPrefix)\(PhoneState.homeVariable)=\(shellQuoted(workspace.phonesDirectory.path)) "
                + "\(PushGatewayAPI.controlURLVariable)=\(shellQuoted(workspace.controlURL)) "
                + "\(shellQuoted(phone)) listen --phone dora --once")
        _ = try await terminal.waitFor("Listening for sign-in requests")

        let started = try workspace.admin(
            server, ["auth", "dora", "--no-wait", "--application", "Payroll"],
            environment: ["COUNTERSIGN_API_KEY": apiKey])
        let number = try #require(
            started.output.split(separator: "\n").first { $0.hasPrefix("Number:") }?
                .split(separator: " ").last.flatMap { Int($0) })
        let transaction = try #require(
            started.output.split(separator: "\n").first { $0.hasPrefix("Transaction:") }?.split(separator: " ").last)

        let request = try await terminal.waitFor("Type the number shown on the sign-in screen:")
        #expect(request.contains("Application: Payroll"))
        #expect(request.contains("User:        dora"))
        #expect(request.contains("Time left:"))
        try terminal.type(String(number))
        _ = try await terminal.waitFor("Approve or deny?")
        try terminal.type("a")
        let done = try await terminal.waitFor("the sign-in is")
        #expect(done.contains("the sign-in is approved"), "\(done)")

        let log = try workspace.admin(server, ["log", "--user", "dora", "--format", "json"])
        let entries = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(log.output.utf8)).entries
        #expect(entries.first?.transactionId == String(transaction))
        #expect(entries.first?.outcome == "approved")
        #expect(try await server.terminate() == 0)
    }
}
