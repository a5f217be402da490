import Foundation
import Hummingbird

/// Per-request context. Bodies are small JSON documents, so the upload limit is far below
/// Hummingbird's 2 MiB default: an oversized body is refused before it is read into memory.
public struct CountersignRequestContext: RequestContext {
    public static let maxBodyBytes = 64 * 1024

    public var coreContext: CoreRequestContextStorage
    /// The relying party that signed in with its API key (auth API only).
    public var clientName: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
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
