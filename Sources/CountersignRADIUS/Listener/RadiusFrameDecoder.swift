import NIOCore

/// Cuts a TLS stream into RADIUS packets by the length in each header (RFC 6614 section 2.5). A
/// length no packet can have closes the connection: after it nothing on the stream can be framed.
struct RadiusFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct BadLength: Error {
        let length: Int
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self).map(Int.init) else {
            return .needMoreData
        }
        guard (RadiusPacket.headerLength...RadiusPacket.maxLength).contains(length) else {
            throw BadLength(length: length)
        }
        guard let frame = buffer.readSlice(length: length) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}
