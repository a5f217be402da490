import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends requests with AsyncHTTPClient, for what is not the push hot path (`HTTP2PushTransport`):
/// FCM's token grants, which go to another host, and telephony gateways, which may speak HTTP/1.1.
/// HTTP/2 when the server offers it, a deadline on every request, and trust roots that are a
/// setting, so real services and the local emulator are one setting apart.
public final class HTTPPushTransport: PushTransport {
    let client: HTTPClient
    public let baseURL: String
    let timeout: TimeAmount

    /// `trustRootsPEM` replaces the system roots (the emulator's CA); nil keeps the system's.
    public init(baseURL: String, trustRootsPEM: String? = nil, timeout: Duration = .seconds(10)) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trustRootsPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootsPEM.utf8)))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .automatic
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(timeout.components.seconds)))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = .seconds(Int64(timeout.components.seconds))
    }

    /// Sends `request` to its path under the base URL, or to its path when that is an absolute URL.
    public func send(_ request: OutgoingRequest) async throws -> PushTransportResponse {
        let url =
            request.path.hasPrefix("https://") || request.path.hasPrefix("http://")
            ? request.path : baseURL + request.path
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(outgoing, timeout: timeout)
        let body = try await response.body.collect(upTo: PushTransportResponse.maximumBodyBytes)
        return PushTransportResponse(
            status: Int(response.status.code), body: Data(body.readableBytesView),
            retryAfter: response.headers.first(name: "retry-after"), httpVersion: "\(response.version)")
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}
