import CountersignCore
import CountersignGateway
import CountersignPush
import Foundation
import Hummingbird
import Synchronization

/// A gateway emulator on a loopback port, for the duration of a test.
public struct GatewayHarness: Sendable {
    public let server: GatewayServer
    public let port: Int
    /// The push hot path's client transport, trusting the gateway's CA; shut down when the test ends.
    public let transport: HTTP2PushTransport
    public var identity: GatewayIdentity { server.identity }
    public var state: GatewayState { server.state }
    public var baseURL: String { "https://127.0.0.1:\(port)" }
    public static let telephonyToken = "test-telephony-token"
    public var telephony: TelephonyEndpoint { server.telephony }

    /// A telephony gateway setting that reaches this emulator's SMS and voice endpoint.
    public var telephonyGateway: TelephonyGatewaySettings {
        TelephonyGatewaySettings(
            url: "\(baseURL)/telephony/v1/messages", authHeader: "Authorization: Bearer \(Self.telephonyToken)",
            trustRootsPEM: identity.caCertificatePEM)
    }

    public static func run<T: Sendable>(
        clock: any WallClock = SystemWallClock(), _ body: @Sendable (GatewayHarness) async throws -> T
    )
        async throws -> T
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "countersign-gateway-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let opened = try GatewayServer.open(stateFolder: folder, host: "127.0.0.1", port: 0)
        let server = GatewayServer(
            identity: opened.identity, state: opened.state, host: "127.0.0.1", port: 0, clock: clock,
            telephonyToken: telephonyToken)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await server.makeApplication { port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            // A generous timeout: the whole suite shares two cores, and a request only waits this
            // long when something is already wrong.
            let transport = try HTTP2PushTransport(
                baseURL: "https://127.0.0.1:\(port)", trustRootsPEM: server.identity.caCertificatePEM,
                timeout: .seconds(60))
            let result: Result<T, any Error>
            do {
                result = .success(try await body(GatewayHarness(server: server, port: port, transport: transport)))
            } catch {
                result = .failure(error)
            }
            try await transport.shutdown()
            return try result.get()
        }
    }

    public func apnsTokens(clock: any WallClock = SystemWallClock()) throws -> APNsProviderTokens {
        try APNsProviderTokens(
            privateKeyPEM: String(contentsOfFile: identity.apns.privateKeyPath, encoding: .utf8),
            keyId: identity.apns.keyId, teamId: identity.apns.teamId, clock: clock)
    }

    public func serviceAccount() throws -> FCMServiceAccount {
        try JSONDecoder().decode(
            FCMServiceAccount.self, from: Data(contentsOf: URL(fileURLWithPath: identity.fcmServiceAccountPath)))
    }

    public func notification(to token: String, id: UUID = UUID()) -> APNsNotification {
        APNsNotification(
            deviceToken: token, topic: identity.apns.topic, expiration: Date().addingTimeInterval(60), id: id,
            payload: Data(#"{"aps":{"content-available":1},"tx":"t-1"}"#.utf8))
    }
}

/// A wall clock that tests move by hand.
public final class MovableClock: WallClock {
    public init() {}
    private let offset = Mutex<TimeInterval>(0)
    public func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    public func advance(minutes: Double) { offset.withLock { $0 += minutes * 60 } }
}
