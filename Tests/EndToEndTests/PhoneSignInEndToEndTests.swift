import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// SMS and voice with real processes: `countersign server --dev` sends through its gateway emulator,
/// the simulated phone reads the text or answers the call, and `countersign auth` runs in a terminal.
@Suite("SMS and voice sign-in end to end with real processes", .serialized)
struct PhoneSignInEndToEndTests {
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test("an SMS code read on the simulated phone verifies; a call answered with # approves")
    func smsAndVoice() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        let number = "+14155550123"
        #expect(try workspace.admin(server, ["user", "add", "carol", "--phone", number]).status == 0)

        let auth = Executables.directory.appendingPathComponent("countersign").path
        let command =
            "env \(workspace.caShellPrefix)COUNTERSIGN_SERVER=\(shellQuoted(server.url)) COUNTERSIGN_API_KEY=\(shellQuoted(apiKey)) \(shellQuoted(auth)) auth carol --application VPN"

        // SMS: the application asks, the phone receives the text, the user types the code.
        let sms = Terminal()
        defer { sms.close() }
        try sms.start(command + " --method sms")
        _ = try await sms.waitFor("Code from the text message:")
        let text = try workspace.phone(["sms", "--phone", "carol", "--number", number, "--code-only"])
        #expect(text.status == 0, "\(text.errors)")
        let code = text.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code.count == 6 && code.allSatisfy(\.isNumber), "\(code)")
        try sms.type(code)
        let smsResult = try await sms.waitFor("Result:")
        #expect(smsResult.contains("Result:      approved"), "\(smsResult)")

        // Voice: the phone rings; pressing # approves and the waiting command line sees it.
        let voice = Terminal()
        defer { voice.close() }
        try voice.start(command + " --method voice")
        _ = try await voice.waitFor("Calling carol's phone")
        let answered = try workspace.phone(["answer", "--phone", "carol", "--press", "#"])
        #expect(answered.status == 0, "\(answered.errors)")
        #expect(answered.output.contains("Press the pound key"), "\(answered.output)")
        #expect(answered.output.contains("the sign-in is approved"), "\(answered.output)")
        let voiceResult = try await voice.waitFor("Result:")
        #expect(voiceResult.contains("Result:      approved"), "\(voiceResult)")

        let log = try workspace.admin(server, ["log", "--user", "carol", "--format", "json"])
        let entries = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(log.output.utf8)).entries
        #expect(entries.map(\.mode) == ["voice", "sms"])
        #expect(entries.allSatisfy { $0.outcome == "approved" && $0.phone == number })
        #expect(try await server.terminate() == 0)
    }
}
