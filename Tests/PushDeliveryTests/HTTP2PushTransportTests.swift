import CountersignCore
import CountersignGateway
import CountersignPush
import Foundation
import GatewayTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The push transport: HTTP/2 streams over long-lived TLS connections")
struct HTTP2PushTransportTests {
    @Test("300 notifications sent at once all arrive, over the transport's few connections")
    func manyAtOnce() async throws {
        try await GatewayHarness.run { gateway in
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            let client = APNsClient(transport: gateway.transport, tokens: try gateway.apnsTokens())
            let outcomes = try await withThrowingTaskGroup(of: PushOutcome.self) { group in
                for _ in 0..<300 { group.addTask { try await client.send(gateway.notification(to: device.token)) } }
                return try await group.reduce(into: [PushOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 300)
            #expect(outcomes.allSatisfy { $0 == .delivered })
            #expect(await gateway.state.inbox(device.token, after: 0).count == 300)
        }
    }

    @Test("a request for another origin is refused before anything is sent")
    func otherOrigin() async throws {
        try await GatewayHarness.run { gateway in
            let error = await #expect(throws: PushTransportError.self) {
                try await gateway.transport.send(
                    OutgoingRequest(method: "POST", path: "https://oauth2.example/token", headers: [], body: Data()))
            }
            #expect(error?.description.contains("not on 127.0.0.1:\(gateway.port)") == true)
        }
        #expect(throws: PushTransportError.self) { try HTTP2PushTransport(baseURL: "http://127.0.0.1:8443") }
    }

    @Test("a server that accepts the connection and never answers fails the request at the deadline")
    func silentServer() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let transport = try HTTP2PushTransport(baseURL: "https://127.0.0.1:\(listener.port)", timeout: .seconds(1))
        // Without a deadline the send would wait for ever; the race makes that a failure, not a hang.
        // (The figure is loose because a busy test run can delay the event loops by seconds.)
        let outcome = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await transport.send(OutgoingRequest(method: "GET", path: "/", headers: [], body: Data()))
                    return "answered"
                } catch { return "\(error)" }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(outcome?.contains("did not complete the TLS handshake") == true)
        try await transport.shutdown()
    }
}

/// A TCP port that takes connections (the kernel completes them) and never reads or writes.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw PushTransportError("cannot listen on loopback") }
        var actual = sockaddr_in()
        var actualLength = length
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &actualLength) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
