import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2

/// One request and its answer on one HTTP/2 stream: writes the headers and body when the stream
/// opens, collects the status, Retry-After and body (bounded), and completes `answer` exactly once:
/// with the answer, a reset, a closed connection, or the deadline.
final class HTTP2Exchange: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let headers: HPACKHeaders
    private let body: ByteBuffer?
    private let timeout: TimeAmount
    private var answer: EventLoopPromise<PushTransportResponse>?
    private var started = false
    private var status: Int?
    private var retryAfter: String?
    private var received = ByteBuffer()
    private var deadline: Scheduled<Void>?

    init(headers: HPACKHeaders, body: ByteBuffer?, timeout: TimeAmount, answer: EventLoopPromise<PushTransportResponse>)
    {
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.answer = answer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let stream = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            handler.value.finish(
                .failure(PushTransportError("no answer within \(Double(handler.value.timeout.nanoseconds) / 1e9) s")))
            stream.close(promise: nil)
        }
        context.write(wrapOutboundOut(.headers(.init(headers: headers, endStream: body == nil))), promise: nil)
        if let body {
            context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
        }
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            // 1xx answers are interim; the final status is the first one of 200 or more.
            if status == nil, let code = frame.headers.first(name: ":status").flatMap({ Int($0) }), code >= 200 {
                status = code
                retryAfter = frame.headers.first(name: "retry-after")
            }
            if frame.endStream { complete(context) }
        case .data(let frame):
            if case .byteBuffer(var bytes) = frame.data {
                guard received.readableBytes + bytes.readableBytes <= PushTransportResponse.maximumBodyBytes else {
                    finish(
                        .failure(
                            PushTransportError(
                                "the answer is larger than \(PushTransportResponse.maximumBodyBytes) bytes")))
                    context.close(promise: nil)
                    return
                }
                received.writeBuffer(&bytes)
            }
            if frame.endStream { complete(context) }
        case .rstStream(let reset):
            finish(.failure(Self.resetError(reset)))
        default:
            break
        }
    }

    private func complete(_ context: ChannelHandlerContext) {
        guard let status else {
            finish(.failure(PushTransportError("the answer ended without a status")))
            return
        }
        finish(
            .success(
                PushTransportResponse(
                    status: status, body: Data(received.readableBytesView), retryAfter: retryAfter,
                    httpVersion: "HTTP/2.0")))
    }

    /// A stream that GOAWAY cut off arrives as a close event with a reason.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent, let reason = closed.reason {
            finish(.failure(Self.resetError(reason)))
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// REFUSED_STREAM promises the request was not processed (RFC 9113 §8.7), so it may be sent again.
    static func resetError(_ code: HTTP2ErrorCode) -> PushTransportError {
        PushTransportError("the server reset the stream (\(code))", refused: code == .refusedStream)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(PushTransportError("the connection closed before the answer")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(PushTransportError("the stream closed before the answer")))
    }

    private func finish(_ result: Result<PushTransportResponse, any Error>) {
        deadline?.cancel()
        deadline = nil
        guard let answer else { return }
        self.answer = nil
        answer.completeWith(result)
    }
}
