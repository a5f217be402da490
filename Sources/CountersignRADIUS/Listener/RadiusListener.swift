import CountersignCore
import CountersignServer
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The RADIUS front end (RFC 2865 over UDP): one socket, one task per request. A request waiting
/// for a phone is a suspended task, not a blocked thread, so thousands can wait at once.
public struct RadiusListener: Service {
    let host: String
    let port: Int
    let handler: RadiusPacketHandler
    let logger: Logger
    let onListening: @Sendable (String) -> Void
    /// Requests being answered at once; past this, new ones are dropped and counted.
    static let maxInFlight = 10_000

    public init(
        environment: ServerEnvironment, host: String, port: Int, logger: Logger = Logger(label: "countersign.radius"),
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
        handler = RadiusPacketHandler.make(environment: environment, logger: logger)
    }

    public func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let bound =
            channel.channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
        onListening(bound)
        let inFlight = InFlightCount()
        // Shutdown cancels the waits: a NAS whose request is cut off retries against another node.
        try await cancelWhenGracefulShutdown {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await envelope in inbound {
                        guard let source = envelope.remoteAddress.ipAddress,
                            let sourcePort = envelope.remoteAddress.port
                        else { continue }
                        guard inFlight.value.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
                            inFlight.value.subtract(1, ordering: .relaxed)
                            handler.drops.drop(.overloaded, source: source, detail: "too many requests in flight")
                            continue
                        }
                        let bytes = Array(buffer: envelope.data)
                        group.addTask {
                            defer { inFlight.value.subtract(1, ordering: .relaxed) }
                            guard let reply = await handler.handle(bytes, source: source, port: sourcePort) else {
                                return
                            }
                            try? await outbound.write(
                                AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply))
                            )
                        }
                    }
                }
            }
        }
    }
}

/// Requests being answered; shared by the tasks that answer them.
final class InFlightCount: Sendable {
    let value = Atomic<Int>(0)
}
