import CountersignClient
import CountersignCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdHTTP2
import NIOCore
import NIOSSL

/// The stand-in for Apple's and Google's push services on this machine.
///
/// One HTTP/2 + TLS port serves what the Countersign server talks to: the APNs provider API, the FCM
/// v1 send endpoint and the OAuth2 token endpoint. A second, plain-HTTP loopback port serves the
/// gateway's control routes, which play the phone operating system's own push connection: hand out
/// device tokens, read a phone's inbox, and inject errors for tests. (The phone simulator speaks
/// URLSession, which on Linux cannot be told to trust a private CA.)
public struct GatewayServer: Sendable {
    public let identity: GatewayIdentity
    public let state: GatewayState
    public let host: String
    public let port: Int
    public let clock: any WallClock
    /// The SMS and voice gateway, sharing the TLS port with the push services.
    public let telephony: TelephonyEndpoint

    public init(
        identity: GatewayIdentity, state: GatewayState, host: String, port: Int,
        clock: any WallClock = SystemWallClock(), telephonyToken: String = SecureRandom.token(),
        callbackTrust: ServerTrust = .standard
    ) {
        self.identity = identity
        self.state = state
        self.telephony = TelephonyEndpoint(token: telephonyToken, callbackTrust: callbackTrust)
        self.host = host
        self.port = port
        self.clock = clock
    }

    /// Opens (or creates) the gateway's state folder.
    /// `callbackTrust` vouches for the server that a call's keys are posted to.
    public static func open(stateFolder: URL, host: String, port: Int, callbackTrust: ServerTrust = .standard) throws
        -> GatewayServer
    {
        let identity = try GatewayIdentity.loadOrCreate(in: stateFolder)
        let state = GatewayState(devicesFile: stateFolder.appendingPathComponent("devices.jsonl"))
        return GatewayServer(
            identity: identity, state: state, host: host, port: port,
            telephonyToken: try telephonyToken(in: stateFolder), callbackTrust: callbackTrust)
    }

    /// The bearer token the telephony endpoint expects, kept in `telephony-token` (mode 0600) so that
    /// a server configured once keeps working across gateway restarts.
    static func telephonyToken(in folder: URL) throws -> String {
        let file = folder.appendingPathComponent("telephony-token")
        if let existing = try? String(contentsOf: file, encoding: .utf8), !existing.isEmpty {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let token = SecureRandom.token()
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission) }
        try Data(token.utf8).write(to: file)
        return token
    }

    /// The application; `onRunning` receives the bound port (useful with port 0).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
        -> some ApplicationProtocol
    {
        let certificate = try identity.makeServerCertificate()
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [
                .certificate(try NIOSSLCertificate(bytes: Array(certificate.certificatePEM.utf8), format: .pem))
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)))
        let router = try await makeRouter()
        let identity = identity
        return Application(
            router: router,
            server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "countersign-gateway"),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? 0
                try? identity.writeServiceAccount(tokenURI: "https://127.0.0.1:\(boundPort)/token")
                await onRunning(boundPort)
            })
    }

    func makeRouter() async throws -> Router<BasicRequestContext> {
        let router = Router()
        let apns = try await APNsEndpoint(identity: identity, state: state)
        let fcm = try await FCMEndpoints(identity: identity, state: state)
        let clock = clock

        router.post("3/device/:token") { request, context in
            var request = request
            let body = Data(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
            let token = try context.parameters.require("token")
            let outcome: Result<String, APNsEndpoint.Refusal>
            do {
                outcome = .success(
                    try await apns.handle(token: token, headers: request.headers, body: body, now: clock.now()))
            } catch let refusal as APNsEndpoint.Refusal {
                outcome = .failure(refusal)
            }
            switch outcome {
            case .success(let id):
                return Response(status: .ok, headers: [.apnsId: id])
            case .failure(let error):
                var fields: [String: AnyEncodable] = ["reason": AnyEncodable(error.reason)]
                if let timestamp = error.timestamp {
                    fields["timestamp"] = AnyEncodable(Int64(timestamp.timeIntervalSince1970 * 1000))
                }
                return try Self.json(
                    fields, status: error.status, headers: Self.errorHeaders(retryAfter: error.retryAfter))
            }
        }

        router.post("token") { request, context in
            var request = request
            let form = Data(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
            let answer = await fcm.token(
                form: form, tokenURI: "https://127.0.0.1:\(Self.port(of: request))/token", now: clock.now())
            var body: [String: AnyEncodable] = answer.body.mapValues { AnyEncodable($0) }
            if let seconds = answer.body["expires_in"].flatMap(Int.init) { body["expires_in"] = AnyEncodable(seconds) }
            return try Self.json(body, status: answer.status)
        }

        router.post("v1/projects/:project/:action") { request, context in
            guard try context.parameters.require("action") == "messages:send" else { throw HTTPError(.notFound) }
            var request = request
            let body = Data(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
            let project = try context.parameters.require("project")
            let outcome: Result<String, FCMEndpoints.Refusal>
            do {
                outcome = .success(
                    try await fcm.send(
                        project: project, authorization: request.headers[.authorization], body: body, now: clock.now()))
            } catch let refusal as FCMEndpoints.Refusal {
                outcome = .failure(refusal)
            }
            switch outcome {
            case .success(let name):
                return try Self.json(["name": AnyEncodable(name)], status: 200)
            case .failure(let error):
                let detail: [String: AnyEncodable] = [
                    "@type": AnyEncodable("type.googleapis.com/google.firebase.fcm.v1.FcmError"),
                    "errorCode": AnyEncodable(error.errorCode ?? error.statusText),
                ]
                let inner: [String: AnyEncodable] = [
                    "code": AnyEncodable(error.status), "message": AnyEncodable(error.message),
                    "status": AnyEncodable(error.statusText), "details": AnyEncodable([detail]),
                ]
                return try Self.json(
                    ["error": AnyEncodable(inner)], status: error.status,
                    headers: Self.errorHeaders(retryAfter: error.retryAfter))
            }
        }

        let telephony = telephony
        router.post("telephony/v1/messages") { request, context in
            var request = request
            let body = Data(try await request.collectBody(upTo: 16 * 1024).readableBytesView)
            do {
                let id = try await telephony.accept(
                    authorization: request.headers[.authorization], body: body, now: clock.now())
                return try Self.json(["id": id], status: 202)
            } catch let refusal as TelephonyEndpoint.Refusal {
                return try Self.json(["error": refusal.message], status: refusal.status)
            }
        }

        return router
    }

    /// The control application, plain HTTP, meant for a loopback address.
    public func makeControlApplication(
        host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        -> some ApplicationProtocol
    {
        let router = Router()
        GatewayControlRoutes(state: state, clock: clock).register(on: router.group("gateway"))
        TelephonyControlRoutes(telephony: telephony).register(on: router.group("gateway"))
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "countersign-gateway"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) })
    }

    /// An error answer's headers, with Retry-After when the refusal asks the sender to wait.
    static func errorHeaders(retryAfter: Int?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return headers
    }

    static func port(of request: Request) -> String {
        request.head.authority.flatMap { $0.split(separator: ":").last.map(String.init) } ?? "443"
    }

    static func json(_ value: some Encodable, status: Int, headers: HTTPFields = [.contentType: "application/json"])
        throws
        -> Response
    {
        let encoder = APIJSON.makeEncoder()
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Lets the error bodies mix strings, numbers and nested objects.
struct AnyEncodable: Encodable, Sendable {
    private let encodeValue: @Sendable (any Encoder) throws -> Void
    init<Value: Encodable & Sendable>(_ value: Value) { encodeValue = { try value.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
