import CountersignClient
import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Push with real processes: `countersign server --dev` (which starts `countersign-phone gateway`),
/// the operator's command line and simulated phones, over HTTP/2 and TLS between server and gateway.
@Suite("Push end to end with real processes", .serialized)
struct PushEndToEndTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "countersign-push-e2e-\(UUID().uuidString)")
    var dataDirectory: URL { folder.appendingPathComponent("data") }

    struct Ports {
        let gateway: Int
        let control: Int
        var serverArguments: [String] {
            ["--dev", "--gateway-port", String(gateway), "--gateway-control-port", String(control)]
        }
        var controlURL: String { "http://127.0.0.1:\(control)" }
    }

    func admin(_ server: ServerProcess, _ arguments: String...) throws -> Executables.Result {
        let token = try String(contentsOf: dataDirectory.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return try Executables.run(
            "countersign", arguments, environment: ["COUNTERSIGN_SERVER": server.url, "COUNTERSIGN_TOKEN": token])
    }

    func phone(_ ports: Ports, _ arguments: String...) throws -> Executables.Result {
        try Executables.run(
            "countersign-phone", arguments,
            environment: [
                PhoneState.homeVariable: folder.appendingPathComponent("phones").path,
                PushGatewayAPI.controlURLVariable: ports.controlURL,
            ])
    }

    /// Pairs a phone on `platform` and returns its device id.
    func pairPhone(_ server: ServerProcess, _ ports: Ports, user: String, platform: String) throws -> String {
        #expect(try admin(server, "user", "add", user).status == 0)
        let url = try #require(
            try admin(server, "user", "pair", user).output.split(separator: "\n").last.map(String.init))
        let paired = try phone(ports, "pair", url, "--platform", platform, "--phone", user)
        #expect(paired.status == 0, "\(paired.errors)")
        let account = try PhoneState(
            phone: user, environment: [PhoneState.homeVariable: folder.appendingPathComponent("phones").path]
        ).account(named: nil)
        return account.deviceId
    }

    func queueTestPush(_ server: ServerProcess, device: String, ttl: Int = 60) throws -> String {
        let queued = try admin(server, "device", "test-push", device, "--ttl", String(ttl))
        #expect(queued.status == 0, "\(queued.errors)")
        return try #require(queued.output.split(separator: " ").dropFirst(3).first.map(String.init))
    }

    func pushStatus(_ server: ServerProcess) throws -> PushOutboxView {
        try APIJSON.makeDecoder().decode(
            PushOutboxView.self, from: Data(try admin(server, "push", "status", "--format", "json").output.utf8))
    }

    @Test("a test notification reaches simulated APNs and FCM phones through the gateway emulator")
    func delivers() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let ports = Ports(gateway: try Executables.freePort(), control: try Executables.freePort())
        let server = try ServerProcess(dataDirectory: dataDirectory, extraArguments: ports.serverArguments)
        try await server.waitUntilListening()
        #expect(server.log.contains("push gateway emulator on https://127.0.0.1:\(ports.gateway)"))

        for (user, platform) in [("ann", "apns"), ("ben", "fcm")] {
            let device = try pairPhone(server, ports, user: user, platform: platform)
            let id = try queueTestPush(server, device: device)
            let inbox = try phone(ports, "inbox", "--phone", user, "--wait", "15")
            #expect(inbox.status == 0, "\(inbox.errors)")
            #expect(inbox.output.contains(id), "\(platform): \(inbox.output)")
        }
        #expect(try pushStatus(server).sent == 2)
        #expect(try await server.terminate() == 0)
    }

    @Test("after SIGKILL, queued messages are sent on restart and expired ones never are")
    func survivesKill() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let ports = Ports(gateway: try Executables.freePort(), control: try Executables.freePort())
        let server = try ServerProcess(dataDirectory: dataDirectory, extraArguments: ports.serverArguments)
        try await server.waitUntilListening()
        let device = try pairPhone(server, ports, user: "cat", platform: "apns")
        let account = try PhoneState(
            phone: "cat", environment: [PhoneState.homeVariable: folder.appendingPathComponent("phones").path]
        ).account(named: nil)
        let token = try #require(account.pushToken)

        // The push service fails every send for now, so both messages stay queued and retrying.
        let control = JSONHTTPClient(baseURL: try #require(URL(string: ports.controlURL)))
        let (status, _) = try await control.send(
            method: "POST", path: "/gateway/faults",
            body: Data(#"{"token":"\#(token)","status":500,"reason":"InternalServerError","remaining":1000}"#.utf8))
        #expect(status == 204)
        let lasting = try queueTestPush(server, device: device, ttl: 600)
        let shortLived = try queueTestPush(server, device: device, ttl: 3)
        try await Task.sleep(for: .seconds(1))
        #expect(try pushStatus(server).sent == 0)

        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        // Long enough for the short-lived message's deadline to pass while the server is down.
        try await Task.sleep(for: .seconds(4))

        // The restarted server starts a new gateway (without the injected fault).
        let restarted = try ServerProcess(
            dataDirectory: dataDirectory, port: server.port, extraArguments: ports.serverArguments)
        try await restarted.waitUntilListening()
        let inbox = try phone(ports, "inbox", "--phone", "cat", "--wait", "15")
        #expect(inbox.output.contains(lasting), "\(inbox.output)\n\(restarted.log)")
        #expect(!inbox.output.contains(shortLived))
        let outbox = try pushStatus(restarted)
        #expect(outbox.sent == 1)
        #expect(outbox.expired == 1)
        #expect(try await restarted.terminate() == 0)
    }
}
