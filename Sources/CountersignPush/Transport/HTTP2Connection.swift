import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// One TLS connection that negotiated HTTP/2, and the multiplexer that opens its streams.
struct HTTP2Connection: Sendable {
    let channel: any Channel
    let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    /// Set once the server sent GOAWAY (or a stream was refused): the streams already open finish,
    /// and new requests go to a new connection.
    let retired: RetiredFlag

    /// Whether new requests may use this connection.
    var isUsable: Bool { channel.isActive && !retired.isSet }

    /// Connects, handshakes and checks that the server chose h2 by ALPN; fails otherwise, or when
    /// all that takes longer than `timeout` (a server that accepts and then says nothing).
    static func open(
        to origin: HTTPSOrigin, sslContext: NIOSSLContext, timeout: TimeAmount, on eventLoop: any EventLoop
    ) -> EventLoopFuture<HTTP2Connection> {
        let ready = eventLoop.makePromise(of: HTTP2Connection.self)
        let tooSlow = eventLoop.scheduleTask(in: timeout) {
            ready.fail(PushTransportError("\(origin.authority) did not complete the TLS handshake in time"))
        }
        ready.futureResult.whenComplete { _ in tooSlow.cancel() }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        try NIOSSLClientHandler(context: sslContext, serverHostname: origin.serverHostname))
                    // HTTP/2 is set up before the handshake ends, so no frame the server sends right
                    // after it can arrive before its handler; TLS holds our preface until then.
                    let watcher = NegotiationWatcher()
                    try pipeline.addHandler(watcher)
                    let multiplexer = try pipeline.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init(),
                        inboundStreamInitializer: { pushed in pushed.close() })
                    let retired = RetiredFlag()
                    try pipeline.addHandler(GoAwayWatcher(retired: retired))
                    watcher.whenNegotiated = { protocolName in
                        guard protocolName == "h2" else {
                            ready.fail(
                                PushTransportError(
                                    "\(origin.authority) did not agree to HTTP/2 (ALPN chose \(protocolName ?? "nothing"))"
                                ))
                            channel.close(promise: nil)
                            return
                        }
                        ready.succeed(HTTP2Connection(channel: channel, multiplexer: multiplexer, retired: retired))
                    }
                    watcher.whenFailed = { error in ready.fail(error) }
                }
            }
            .connect(host: origin.host, port: origin.port)
        connected.whenFailure { ready.fail($0) }
        // A connection that lost the race with the deadline is closed, not left half open.
        ready.futureResult.whenFailure { _ in connected.whenSuccess { $0.close(promise: nil) } }
        return ready.futureResult
    }

    /// Sends one request on a new stream and collects its answer, or fails after `timeout`.
    func exchange(headers: HPACKHeaders, body: ByteBuffer?, timeout: TimeAmount)
        -> EventLoopFuture<PushTransportResponse>
    {
        let answer = channel.eventLoop.makePromise(of: PushTransportResponse.self)
        let created = channel.eventLoop.makePromise(of: (any Channel).self)
        created.futureResult.whenFailure { answer.fail($0) }
        multiplexer.createStreamChannel(promise: created) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(
                    HTTP2Exchange(headers: headers, body: body, timeout: timeout, answer: answer))
            }
        }
        return answer.futureResult
    }
}

/// Reports the ALPN outcome of the TLS handshake, or the error or close that came first.
final class NegotiationWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    var whenNegotiated: ((String?) -> Void)?
    var whenFailed: ((any Error) -> Void)?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let protocolName) = event, let whenNegotiated {
            self.whenNegotiated = nil
            self.whenFailed = nil
            whenNegotiated(protocolName)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        whenFailed?(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        whenFailed?(PushTransportError("the connection closed during the TLS handshake"))
        context.fireChannelInactive()
    }
}

/// Whether a connection has been retired; read from any thread, set on its event loop.
final class RetiredFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// Retires the connection when the server announces it is going away (GOAWAY, on stream 0).
final class GoAwayWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    let retired: RetiredFlag

    init(retired: RetiredFlag) { self.retired = retired }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload { retired.set() }
        context.fireChannelRead(data)
    }
}

/// One connection's place in a transport: empty, connecting, or open; reopened when it closes.
final class ConnectionSlot: Sendable {
    private enum State {
        case idle
        case connecting(EventLoopFuture<HTTP2Connection>)
        case ready(HTTP2Connection)
        case shutDown
    }

    private let state = Mutex<State>(.idle)
    private let eventLoop: any EventLoop
    private let open: @Sendable (any EventLoop) -> EventLoopFuture<HTTP2Connection>

    init(eventLoop: any EventLoop, open: @escaping @Sendable (any EventLoop) -> EventLoopFuture<HTTP2Connection>) {
        self.eventLoop = eventLoop
        self.open = open
    }

    /// The open connection, the one being opened, or a new one.
    func connection() -> EventLoopFuture<HTTP2Connection> {
        let (future, startsNew): (EventLoopFuture<HTTP2Connection>, EventLoopPromise<HTTP2Connection>?) =
            state.withLock { state in
                switch state {
                case .ready(let connection) where connection.isUsable:
                    return (eventLoop.makeSucceededFuture(connection), nil)
                case .connecting(let pending):
                    return (pending, nil)
                case .shutDown:
                    return (eventLoop.makeFailedFuture(PushTransportError("the push transport is shut down")), nil)
                case .idle, .ready:
                    let promise = eventLoop.makePromise(of: HTTP2Connection.self)
                    state = .connecting(promise.futureResult)
                    return (promise.futureResult, promise)
                }
            }
        // Callbacks are registered outside the lock: a completed future runs them at once.
        if let startsNew {
            open(eventLoop).cascade(to: startsNew)
            startsNew.futureResult.whenComplete { result in self.settle(future, result) }
        }
        return future
    }

    private func settle(_ attempt: EventLoopFuture<HTTP2Connection>, _ result: Result<HTTP2Connection, any Error>) {
        let opened: HTTP2Connection? = state.withLock { state in
            guard case .connecting(let pending) = state, pending === attempt else { return nil }
            switch result {
            case .success(let connection):
                state = .ready(connection)
                return connection
            case .failure:
                state = .idle
                return nil
            }
        }
        guard let opened else {
            // Shut down while connecting: this connection is not wanted.
            if case .success(let connection) = result { connection.channel.close(promise: nil) }
            return
        }
        opened.channel.closeFuture.whenComplete { _ in
            self.state.withLock { state in
                if case .ready(let current) = state, current.channel === opened.channel { state = .idle }
            }
        }
    }

    var isUsable: Bool {
        state.withLock { state in
            if case .ready(let connection) = state { return connection.isUsable }
            return false
        }
    }

    func shutDown() async throws {
        let closing: (any Channel)? = state.withLock { state in
            defer { state = .shutDown }
            if case .ready(let connection) = state { return connection.channel }
            return nil
        }
        try? await closing?.close()
    }
}
