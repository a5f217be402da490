import CountersignCore
import CountersignServer
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// RADIUS over TLS (RadSec, RFC 6614) on TCP: the same packets and the same handler as over UDP,
/// inside a TLS connection whose client must present a certificate signed by the configured CA.
/// The shared secret is "radsec" (section 2.3): TLS, not MD5, protects the exchange. Clients are
/// still matched by source address, so only a NAS added with `radius-client add` is answered.
public struct RadSecListener: Service {
    static let secret = Array("radsec".utf8)
    let host: String
    let port: Int
    let tls: NIOSSLContext
    let handler: RadiusPacketHandler
    let logger: Logger
    let onListening: @Sendable (String) -> Void

    /// `certificate` and `key` are this server's PEM files; `clientCA` the PEM roots that signed the
    /// clients' certificates.
    public init(
        environment: ServerEnvironment, host: String, port: Int, certificate: String, key: String, clientCA: String,
        logger: Logger = Logger(label: "countersign.radsec"),
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .file(clientCA)
        // A client certificate is required and checked against the CA; NAS are known by address.
        configuration.certificateVerification = .noHostnameVerification
        tls = try NIOSSLContext(configuration: configuration)
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
        handler = RadiusPacketHandler.make(environment: environment, logger: logger)
    }

    public func run() async throws {
        let tls = self.tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RadiusFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        onListening(
            server.channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)")
        try await cancelWhenGracefulShutdown {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        }
    }

    /// Answers the packets of one connection as they come; each waits in its own task, so a push
    /// being waited for does not hold up the next request on the same connection.
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        guard let remote = connection.channel.remoteAddress, let source = remote.ipAddress, let port = remote.port
        else { return }
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await frame in inbound {
                        let bytes = Array(buffer: frame)
                        group.addTask {
                            guard
                                let reply = await handler.handle(
                                    bytes, source: source, port: port, transportSecret: Self.secret)
                            else { return }
                            try? await outbound.write(ByteBuffer(bytes: reply))
                        }
                    }
                }
            }
        } catch {
            logger.debug("RadSec connection closed", metadata: ["source": "\(source)", "error": "\(error)"])
        }
    }
}
