import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// The README's walk-through with real processes: `countersign server`, the operator's command
/// line and `countersign-phone`, talking over loopback HTTPS with development mode's own CA.
@Suite("Walk-through with real processes", .serialized)
struct WalkThroughTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("countersign-e2e-\(UUID().uuidString)")
    var dataDirectory: URL { folder.appendingPathComponent("data") }
    var phoneHome: String { folder.appendingPathComponent("phones").path }

    func admin(_ server: ServerProcess, _ arguments: String...) throws -> Executables.Result {
        let token = try String(contentsOf: dataDirectory.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try Executables.run(
            "countersign", arguments,
            environment: ["COUNTERSIGN_SERVER": server.url, "COUNTERSIGN_TOKEN": token, "COUNTERSIGN_CA_FILE": caFile])
    }

    func phone(_ arguments: String...) throws -> Executables.Result {
        try Executables.run(
            "countersign-phone", arguments,
            environment: [PhoneState.homeVariable: phoneHome, "COUNTERSIGN_CA_FILE": caFile])
    }

    /// Development mode's CA, as the README has the reader export it.
    var caFile: String { dataDirectory.appendingPathComponent("tls/ca.pem").path }

    /// The code the phone printed is the TOTP of the secret it keeps, at some step around now.
    func expectValidCode(_ printed: String, phoneName: String) throws {
        let code = try #require(printed.split(separator: " ").first.map(String.init))
        #expect(code.count == 6 && code.allSatisfy(\.isNumber), "\(printed)")
        let account = try PhoneState(phone: phoneName, environment: [PhoneState.homeVariable: phoneHome]).account(
            named: nil)
        let now = Date()
        let nearby = try [-30.0, 0, 30].map { try account.code(at: now.addingTimeInterval($0)) }
        #expect(nearby.contains(code))
    }

    @Test("start, add a user, pair a phone, read its code, stop gracefully, restart on the same data")
    func walkThrough() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(dataDirectory: dataDirectory)
        try await server.waitUntilListening()
        #expect(server.log.contains("Initial admin token"))
        #expect(server.log.contains("Development mode: activated"))
        // Development mode serves TLS with its own CA, which no client trusts unless told to.
        #expect(server.url.hasPrefix("https://"), "\(server.log)")
        #expect(server.log.contains("clients trust it with --ca-file \(caFile)"))
        let untrusted = try Executables.run("countersign", ["status", "--server", server.url, "--token", "x"])
        #expect(untrusted.status != 0 && untrusted.errors.contains("not trusted"), "\(untrusted.errors)")
        for (file, mode) in [("ca-key.pem", 0o600), ("server-key.pem", 0o600), ("ca.pem", 0o644)] {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: dataDirectory.appendingPathComponent("tls/\(file)").path)
            #expect(attributes[.posixPermissions] as? Int == mode, "\(file)")
        }

        let status = try admin(server, "status")
        #expect(status.status == 0, "\(status.errors)")
        #expect(status.output.contains("local-dev"))

        let added = try admin(server, "user", "add", "alice", "--first", "Alice", "--phone", "+14155550100")
        #expect(added.status == 0, "\(added.errors)")
        let badPhone = try admin(server, "user", "add", "bob", "--phone", "555-0100")
        #expect(badPhone.status != 0)
        #expect(badPhone.errors.contains("E.164"))

        let pairing = try admin(server, "user", "pair", "alice")
        #expect(pairing.status == 0, "\(pairing.errors)")
        let url = try #require(pairing.output.split(separator: "\n").last.map(String.init))
        #expect(url.hasPrefix("countersign://pair?server=https"), "\(url)")

        let paired = try phone("pair", url, "--phone", "alices-phone")
        #expect(paired.status == 0, "\(paired.errors)")
        #expect(paired.output.contains("Paired alice@127.0.0.1:\(server.port)"))
        let reused = try phone("pair", url, "--phone", "other-phone")
        #expect(reused.status != 0)
        #expect(reused.errors.contains("already been used"))

        let code = try phone("code", "--phone", "alices-phone")
        #expect(code.status == 0, "\(code.errors)")
        try expectValidCode(code.output, phoneName: "alices-phone")

        let devices = try admin(server, "device", "list", "--user", "alice", "--format", "json")
        let listed = try APIJSON.makeDecoder().decode([DeviceView].self, from: Data(devices.output.utf8))
        #expect(listed.map(\.status) == [.active])

        let second = try Executables.run(
            "countersign",
            ["server", "--data", dataDirectory.path, "--listen", "127.0.0.1:\(try Executables.freePort())"])
        #expect(second.status != 0)
        #expect(second.errors.contains("already running"))

        #expect(try await server.terminate() == 0)
        #expect(server.log.contains("Countersign stopped"))

        // Re-opening the existing file at the same address: same activation, same pairing, no new admin token.
        let restarted = try ServerProcess(dataDirectory: dataDirectory, port: server.port)
        try await restarted.waitUntilListening()
        #expect(!restarted.log.contains("Initial admin token"))
        #expect(!restarted.log.contains("Development mode: activated"))
        let afterRestart = try admin(restarted, "status", "--format", "json")
        let view = try APIJSON.makeDecoder().decode(StatusView.self, from: Data(afterRestart.output.utf8))
        #expect(view.activeDevices == 1)
        #expect(view.activation?.id == listed.first?.activationId)

        #expect(try admin(restarted, "device", "remove", listed[0].id).status == 0)
        let stale = try phone("push-token", "alice", "new-token", "--phone", "alices-phone")
        #expect(stale.status != 0)
        #expect(stale.errors.contains(ActivationMessages.notActivated))
        #expect(try await restarted.terminate() == 0)
    }
}
