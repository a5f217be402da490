import CountersignCore
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Reads the whole body, refusing one above the context's limit (or a route's own larger
    /// `limit`), and decodes it as JSON.
    func decodeJSON<Body: Decodable>(_ type: Body.Type, context: CountersignRequestContext, limit: Int? = nil)
        async throws -> Body
    {
        var request = self
        let limit = limit ?? context.maxUploadSize
        let bytes: ByteBuffer
        do {
            bytes = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            // Named with this route's own limit, which the general refusal does not know.
            throw APIError.bodyTooLarge(limit: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        }
        return try Self.decodeJSON(type, from: Data(bytes.readableBytesView))
    }

    /// Like `decodeJSON`, for routes whose body is optional: an empty body gives `absent`.
    func decodeOptionalJSON<Body: Decodable>(_ type: Body.Type, absent: Body, context: CountersignRequestContext)
        async throws -> Body
    {
        var request = self
        let bytes = try await request.collectBody(upTo: context.maxUploadSize)
        guard bytes.readableBytes > 0 else { return absent }
        return try Self.decodeJSON(type, from: Data(bytes.readableBytesView))
    }

    static func decodeJSON<Body: Decodable>(_ type: Body.Type, from data: Data) throws -> Body {
        guard !data.isEmpty else { throw APIError.invalid("the request needs a JSON body") }
        return try APIJSON.makeDecoder().decode(type, from: data)
    }
}
