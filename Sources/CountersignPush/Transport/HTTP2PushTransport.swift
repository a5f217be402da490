import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// A thin HTTP/2 client for one push service: a few long-lived TLS connections to its origin, each
/// carrying many requests at once as streams, chosen round-robin so the work spreads over the
/// event loops.
///
/// APNs and FCM want exactly this: long-lived HTTP/2 connections with many concurrent streams.
/// A request is one stream whose handler writes the headers and body and collects the answer on
/// the connection's event loop, with no HTTP/1 translation and no task per request. The push
/// benchmark measured AsyncHTTPClient's general-purpose path as the dispatcher's limit (BENCHMARKS.md).
public final class HTTP2PushTransport: PushTransport {
    public let baseURL: String
    let origin: HTTPSOrigin
    let timeout: TimeAmount
    private let slots: [ConnectionSlot]
    private let nextSlot = Atomic<Int>(0)

    /// `trustRootsPEM` replaces the system roots (the emulator's CA); nil keeps the system's.
    /// `connections` long-lived connections are opened on first use, one per event loop in turn.
    public init(
        baseURL: String, trustRootsPEM: String? = nil, timeout: Duration = .seconds(10),
        connections: Int = System.coreCount
    ) throws {
        let origin = try HTTPSOrigin(baseURL)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.applicationProtocols = ["h2"]
        if let trustRootsPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootsPEM.utf8)))
        }
        let sslContext = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup.singleton
        self.baseURL = baseURL
        self.origin = origin
        let timeout = TimeAmount.nanoseconds(
            timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.timeout = timeout
        self.slots = (0..<max(1, connections)).map { _ in
            ConnectionSlot(eventLoop: group.next()) { eventLoop in
                HTTP2Connection.open(to: origin, sslContext: sslContext, timeout: timeout, on: eventLoop)
            }
        }
    }

    public func send(_ request: OutgoingRequest) async throws -> PushTransportResponse {
        var headers = HPACKHeaders()
        headers.reserveCapacity(request.headers.count + 5)
        headers.add(name: ":method", value: request.method)
        headers.add(name: ":scheme", value: "https")
        headers.add(name: ":authority", value: origin.authority)
        headers.add(name: ":path", value: try origin.path(for: request.path))
        for header in request.headers { headers.add(name: header.name.lowercased(), value: header.value) }
        if !request.body.isEmpty { headers.add(name: "content-length", value: String(request.body.count)) }
        let body = request.body.isEmpty ? nil : ByteBuffer(bytes: request.body)

        let slot = slots[nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue % slots.count]
        let connection = try await slot.connection().get()
        do {
            return try await connection.exchange(headers: headers, body: body, timeout: timeout).get()
        } catch let error as PushTransportError where error.refused {
            // The connection is going away: once more, on a new one.
            connection.retired.set()
            return try await slot.connection().get().exchange(headers: headers, body: body, timeout: timeout).get()
        }
    }

    /// How many connections are open and taking requests now (for diagnostics and tests).
    public var usableConnections: Int { slots.filter(\.isUsable).count }

    /// Closes every connection; later sends fail.
    public func shutdown() async throws {
        for slot in slots { try await slot.shutDown() }
    }
}

/// The scheme, host, port and base path of an https base URL.
struct HTTPSOrigin: Sendable {
    let host: String
    let port: Int
    let basePath: String

    init(_ baseURL: String) throws {
        guard let url = URL(string: baseURL), url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty
        else { throw PushTransportError("\(baseURL) is not an https URL with a host") }
        self.host = host
        self.port = url.port ?? 443
        self.basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
    }

    var authority: String { port == 443 ? host : "\(host):\(port)" }

    /// No SNI for an IP address: TLS names hosts only.
    var serverHostname: String? { (try? SocketAddress(ipAddress: host, port: port)) == nil ? host : nil }

    /// The request path under the base path, or the path of an absolute URL on this same origin.
    func path(for requestPath: String) throws -> String {
        guard requestPath.hasPrefix("https://") || requestPath.hasPrefix("http://") else {
            return basePath + requestPath
        }
        guard let url = URL(string: requestPath), url.scheme?.lowercased() == "https", url.host == host,
            url.port ?? 443 == port
        else { throw PushTransportError("\(requestPath) is not on \(authority), the only origin this client reaches") }
        return url.path + (url.query.map { "?" + $0 } ?? "")
    }
}
