import CountersignCore
import Foundation
import Hummingbird
import NIOCore

/// Per-request context. Bodies are small JSON documents, so the upload limit is far below
/// Hummingbird's 2 MiB default: an oversized body is refused before it is read into memory.
public struct CountersignRequestContext: RequestContext {
    public static let maxBodyBytes = 64 * 1024
    /// The most a request's header may hold, all fields together; a bearer token and a few
    /// headers need a fraction of it. Larger is refused with 431 (ParserRefusalHandler).
    public static let maxHeaderBytes = 32 * 1024

    public var coreContext: CoreRequestContextStorage
    /// The relying party that signed in with its API key (auth API only).
    public var clientName: String?
    /// Where the request came from, for the admin audit trail.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { Self.maxBodyBytes }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension CountersignRequestContext {
    /// A path parameter, percent-decoded: a client that encodes every reserved character ("al%69ce",
    /// "a%40example.com") names the same user as one that does not.
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw Validation.Failure("the path's \(name) '\(raw.prefix(64))' is not valid percent-encoding")
        }
        return decoded
    }
}
