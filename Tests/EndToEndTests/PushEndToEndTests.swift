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
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    func queueTestPush(_ server: ServerProcess, device: String, ttl: Int = 60) throws -> String {
        let queued = try workspace.admin(server, ["device", "test-push", device, "--ttl", String(ttl)])
        #expect(queued.status == 0, "\(queued.errors)")
        return try #require(queued.output.split(separator: " ").dropFirst(3).first.map(String.init))
    }

    func pushStatus(_ server: ServerProcess) throws -> PushOutboxView {
        try APIJSON.makeDecoder().decode(
            PushOutboxView.self,
            from: Data(try workspace.admin(server, ["push", "status", "--format", "json"]).output.utf8))
    }

    @Test("a test notification reaches simulated APNs and FCM phones through the gateway emulator")
    func delivers() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        #expect(
            server.log.contains("push, SMS and voice gateway emulator on https://127.0.0.1:\(workspace.gatewayPort)"))

        for (user, platform) in [("ann", "apns"), ("ben", "fcm")] {
            let device = try workspace.pairPhone(server, user: user, platform: platform).deviceId
            let id = try queueTestPush(server, device: device)
            let inbox = try workspace.phone(["inbox", "--phone", user, "--wait", "15"])
            #expect(inbox.status == 0, "\(inbox.errors)")
            #expect(inbox.output.contains(id), "\(platform): \(inbox.output)")
        }
        #expect(try pushStatus(server).sent == 2)
        #expect(try await server.terminate() == 0)
    }

    @Test("after SIGKILL, queued messages are sent on restart and expired ones never are")
    func survivesKill() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let account = try workspace.pairPhone(server, user: "cat", platform: "apns")
        let device = account.deviceId
        let token = try #require(account.pushToken)

        // The push service fails every send for now, so both messages stay queued and retrying.
        let control = JSONHTTPClient(baseURL: try #require(URL(string: workspace.controlURL)))
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
        let restarted = try await workspace.startServer(port: server.port)
        let inbox = try workspace.phone(["inbox", "--phone", "cat", "--wait", "15"])
        #expect(inbox.output.contains(lasting), "\(inbox.output)\n\(restarted.log)")
        #expect(!inbox.output.contains(shortLived))
        let outbox = try pushStatus(restarted)
        #expect(outbox.sent == 1)
        #expect(outbox.expired == 1)
        #expect(try await restarted.terminate() == 0)
    }
}
