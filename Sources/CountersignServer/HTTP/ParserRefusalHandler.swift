import CountersignCore
import Foundation
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request that HTTP/1.1's parser refused (a header over the limit, two Content-Lengths
/// that differ, broken framing) with the API's JSON error body before the connection closes.
/// Without it Hummingbird answers an empty 400, which no client can explain to its user.
///
/// It sits between the HTTP codec and Hummingbird's request loop. A refusal that comes while a
/// response is still being written (a pipelined request) is left to Hummingbird, which then owns
/// the connection's output.
final class ParserRefusalHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests read whose response has not ended yet.
    private var unanswered = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { unanswered += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let refusal = Self.refusal(for: parserError)
        let body = (try? refusal.encodedBody()) ?? Data()
        let head = HTTPResponse(
            status: refusal.status,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: String(body.count),
                .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// What the parser's refusal means for the client.
    static func refusal(for error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            APIError(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "header_too_large",
                "the request's header is larger than \(CountersignRequestContext.maxHeaderBytes / 1024) KB")
        case .invalidContentLength, .unexpectedContentLength:
            APIError(
                .badRequest, code: "invalid_content_length",
                "the request's Content-Length is not one number (it is missing a value, not a number, or given twice with different values, or beside Transfer-Encoding)"
            )
        case .invalidChunkSize:
            APIError(.badRequest, code: "invalid_request_framing", "the request's chunked body has a bad chunk size")
        default:
            APIError(.badRequest, code: "malformed_request", "the request is not well-formed HTTP/1.1 (\(error))")
        }
    }
}

extension HTTP1Channel.Configuration {
    /// How the listener reads HTTP/1.1 and each HTTP/2 stream: the header limits, and the
    /// parser's refusals answered in JSON.
    static var countersign: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            additionalChannelHandlers: [ParserRefusalHandler()],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: CountersignRequestContext.maxHeaderBytes,
                maxHeaderListSize: CountersignRequestContext.maxHeaderBytes, maxHeaderFieldCount: 100))
    }
}
