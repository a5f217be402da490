import Foundation

/// What the protocol clients (APNs, FCM) need from an HTTP client: send one request, read one answer.
///
/// Two implementations exist: `HTTP2PushTransport`, a thin client on SwiftNIO's HTTP/2 that the push
/// hot path uses, and `HTTPPushTransport` on AsyncHTTPClient for everything else (token grants on
/// other hosts, telephony gateways that may speak HTTP/1.1).
public protocol PushTransport: Sendable {
    func send(_ request: OutgoingRequest) async throws -> PushTransportResponse
    func shutdown() async throws
}

/// An answer as the protocol code needs it.
public struct PushTransportResponse: Sendable {
    /// The largest answer body either transport reads; push services answer in a few hundred bytes.
    public static let maximumBodyBytes = 64 * 1024

    public var status: Int
    public var body: Data
    public var retryAfter: String?
    /// "HTTP/2.0" when the connection negotiated HTTP/2 (ALPN h2).
    public var httpVersion: String

    public init(status: Int, body: Data, retryAfter: String?, httpVersion: String) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.httpVersion = httpVersion
    }
}

/// The transport could not deliver a request or read its answer.
public struct PushTransportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The server refused the request unprocessed, so sending it again on a new connection is safe.
    public let refused: Bool

    public init(_ description: String, refused: Bool = false) {
        self.description = description
        self.refused = refused
    }
}
