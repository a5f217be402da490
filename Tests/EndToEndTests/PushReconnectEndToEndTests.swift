import CountersignCore
import CountersignGateway
import CountersignPhoneKit
import CountersignPush
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The push transport against `countersign-phone gateway` processes: a connection the service drops
/// (here, the whole process is killed) is replaced by a new one on the next request.
@Suite("Push transport reconnects, with real gateway processes")
struct PushReconnectEndToEndTests {
    /// A gateway process on fixed ports and a state folder, so that a second one can take its place.
    final class Gateway {
        let process = Process()
        let logURL: URL

        init(port: Int, controlPort: Int, state: URL) throws {
            logURL = state.deletingLastPathComponent().appendingPathComponent("gateway-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            process.executableURL = Executables.directory.appendingPathComponent("countersign-phone")
            process.arguments = [
                "gateway", "--listen", "127.0.0.1:\(port)", "--control", "127.0.0.1:\(controlPort)", "--state",
                state.path,
            ]
            let log = try FileHandle(forWritingTo: logURL)
            process.standardOutput = log
            process.standardError = log
            try process.run()
        }

        func waitUntilListening() async throws {
            // Generous: the gateway makes its CA and certificate first, beside the whole suite on two cores.
            let deadline = ContinuousClock.now + .seconds(90)
            var log = ""
            while ContinuousClock.now < deadline {
                log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                if log.contains("Gateway control on") { return }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw ServerFailure(message: "the gateway did not start:\n\(log)")
        }

        func kill() {
            if process.isRunning {
                Glibc.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        deinit { kill() }
    }

    @Test("after the gateway process dies and another takes its port, the next push opens a new connection")
    func reconnectsAfterTheServiceDies() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reconnect-\(UUID().uuidString)")
        let state = folder.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (port, controlPort) = (try Executables.freePort(), try Executables.freePort())

        let first = try Gateway(port: port, controlPort: controlPort, state: state)
        try await first.waitUntilListening()
        let identity = try GatewayIdentity.loadOrCreate(in: state)
        let control = GatewayClient(controlURL: try #require(URL(string: "http://127.0.0.1:\(controlPort)")))
        let device = try await control.register(platform: .apns, phone: "alice")
        let transport = try HTTP2PushTransport(
            baseURL: "https://127.0.0.1:\(port)", trustRootsPEM: identity.caCertificatePEM, connections: 1)
        let client = APNsClient(
            transport: transport,
            tokens: try APNsProviderTokens(
                privateKeyPEM: String(contentsOfFile: identity.apns.privateKeyPath, encoding: .utf8),
                keyId: identity.apns.keyId, teamId: identity.apns.teamId))
        func notification() -> APNsNotification {
            APNsNotification(
                deviceToken: device.token, topic: identity.apns.topic, expiration: Date().addingTimeInterval(60),
                id: UUID(), payload: Data(#"{"aps":{"content-available":1}}"#.utf8))
        }
        #expect(try await client.send(notification()) == .delivered)
        #expect(transport.usableConnections == 1)

        // The kernel closes the dead process's sockets; the transport sees its connection close.
        first.kill()
        let deadline = ContinuousClock.now + .seconds(10)
        while transport.usableConnections > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(transport.usableConnections == 0)

        let second = try Gateway(port: port, controlPort: controlPort, state: state)
        defer { second.kill() }
        try await second.waitUntilListening()
        #expect(try await client.send(notification()) == .delivered)
        #expect(try await control.inbox(token: device.token).count == 1)
        try await transport.shutdown()
    }
}
