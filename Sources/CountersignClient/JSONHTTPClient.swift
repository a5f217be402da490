import AsyncHTTPClient
import CountersignCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// An error answer from a Countersign server, or a failure to reach it.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    /// HTTP status, or nil when no answer came.
    public var status: Int?
    /// The server's stable error code (`not_activated`, `conflict`, …), when it sent one.
    public var code: String?
    public var message: String

    public init(status: Int?, code: String?, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// JSON over HTTP against one server: what the operator's command line and the phone simulator
/// both speak. Each request has a deadline; error bodies become `ClientError`s with the server's words.
/// An https server's certificate is always verified, against the system's roots or a CA of the
/// operator's (`ServerTrust`); there is no way to skip it.
public struct JSONHTTPClient: Sendable {
    public let baseURL: URL
    public var defaultHeaders: [String: String]
    public var timeout: TimeInterval
    public var trust: ServerTrust

    /// The most of an answer read: the largest lists the API pages stay far below it.
    static let maxAnswer = 64 << 20

    public init(
        baseURL: URL, defaultHeaders: [String: String] = [:], timeout: TimeInterval = 30,
        trust: ServerTrust = .standard
    ) {
        self.baseURL = baseURL
        self.defaultHeaders = defaultHeaders
        self.timeout = timeout
        self.trust = trust
    }

    /// Sends raw bytes and returns the status and body; refuses nothing by status.
    public func send(method: String, path: String, body: Data?, headers: [String: String] = [:])
        async throws(ClientError)
        -> (status: Int, body: Data)
    {
        let answer = try await exchange(method: method, path: path, body: body, headers: headers)
        return (answer.status, answer.body)
    }

    /// An answer with the headers a caller may need (a list's next page).
    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
        public var headers: HTTPHeaders
    }

    /// Sends raw bytes and returns the whole answer; refuses nothing by status.
    public func exchange(method: String, path: String, body: Data?, headers: [String: String] = [:])
        async throws(ClientError) -> Answer
    {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw ClientError(status: nil, code: nil, message: "cannot form a URL from \(baseURL) and \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in defaultHeaders.merging(headers, uniquingKeysWith: { $1 }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        do {
            let client = try SharedHTTPClients.client(for: trust)
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let answer = try await response.body.collect(upTo: Self.maxAnswer)
            return Answer(
                status: Int(response.status.code), body: Data(answer.readableBytesView), headers: response.headers)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(
                status: nil, code: nil,
                message: "cannot reach the Countersign server at \(baseURL.absoluteString): \(Self.describe(error))")
        }
    }

    /// What went wrong on the way, in words that say what to do about it.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return
                "its TLS certificate is not trusted (if a private CA signed it, give that CA's PEM file with --ca-file or COUNTERSIGN_CA_FILE)"
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "no answer in time"
            case .bodyLengthMismatch: return "the answer was cut short"
            default: break
            }
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("tooManyBytes") { return "the answer is larger than \(maxAnswer >> 20) MB" }
        return text
    }

    /// Sends `body` as JSON (or nothing) and decodes a successful answer as `Answer`.
    public func request<Answer: Decodable>(
        _ method: String, _ path: String, body: (some Encodable)? = Optional<String>.none,
        headers: [String: String] = [:], as answer: Answer.Type
    ) async throws(ClientError) -> Answer {
        let data = try encode(body)
        let (status, responseBody) = try await send(method: method, path: path, body: data, headers: headers)
        return try Self.decode(answer, status: status, body: responseBody)
    }

    /// Every item of a paged list (`Link: <path>; rel="next"`), page by page, up to `limit` items.
    public func requestAll<Item: Decodable>(_ path: String, as item: Item.Type, limit: Int? = nil)
        async throws(ClientError) -> [Item]
    {
        var items: [Item] = []
        var next: String? = path
        while let current = next, limit.map({ items.count < $0 }) ?? true {
            let answer = try await exchange(method: "GET", path: current, body: nil)
            items += try Self.decode([Item].self, status: answer.status, body: answer.body)
            next = Self.nextPage(in: answer.headers)
        }
        return limit.map { Array(items.prefix($0)) } ?? items
    }

    /// The path of the next page in a Link header (RFC 8288), when there is one.
    static func nextPage(in headers: HTTPHeaders) -> String? {
        for value in headers["Link"] {
            for link in value.split(separator: ",") {
                let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">"),
                    parts.dropFirst().contains(where: { $0 == "rel=\"next\"" || $0 == "rel=next" })
                else { continue }
                let path = String(target.dropFirst().dropLast())
                // Only a path on the same server: a next page never sends the token elsewhere.
                guard path.hasPrefix("/"), !path.hasPrefix("//") else { return nil }
                return path
            }
        }
        return nil
    }

    /// For answers without a body (204).
    public func requestWithoutAnswer(
        _ method: String, _ path: String, body: (some Encodable)? = Optional<String>.none
    ) async throws(ClientError) {
        let (status, responseBody) = try await send(method: method, path: path, body: try encode(body))
        guard (200..<300).contains(status) else { throw Self.failure(status: status, body: responseBody) }
    }

    public func encode(_ body: (some Encodable)?) throws(ClientError) -> Data? {
        guard let body else { return nil }
        do { return try APIJSON.makeEncoder().encode(body) } catch {
            throw ClientError(status: nil, code: nil, message: "cannot encode the request: \(error)")
        }
    }

    public static func decode<Answer: Decodable>(_ type: Answer.Type, status: Int, body: Data) throws(ClientError)
        -> Answer
    {
        guard (200..<300).contains(status) else { throw failure(status: status, body: body) }
        do { return try APIJSON.makeDecoder().decode(type, from: body) } catch {
            throw ClientError(status: status, code: nil, message: "the server's answer could not be read: \(error)")
        }
    }

    public static func failure(status: Int, body: Data) -> ClientError {
        if let error = try? JSONDecoder().decode(ErrorBody.self, from: body) {
            return ClientError(status: status, code: error.error.code, message: error.error.message)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return ClientError(
            status: status, code: nil, message: "the server answered \(status)\(text.isEmpty ? "" : ": \(text)")")
    }
}

/// Which certificates vouch for an https server.
public enum ServerTrust: Sendable, Hashable {
    /// The system's trust store.
    case systemRoots
    /// The CA certificates (PEM) in this file, and no others: a private CA.
    case caFile(String)

    /// `COUNTERSIGN_CA_FILE` when it is set, else the system's roots.
    public static var standard: ServerTrust {
        guard let path = ProcessInfo.processInfo.environment["COUNTERSIGN_CA_FILE"], !path.isEmpty else {
            return .systemRoots
        }
        return .caFile(path)
    }

    /// The flag's file when given, else `standard`.
    public static func from(caFile: String?) -> ServerTrust {
        guard let caFile, !caFile.isEmpty else { return .standard }
        return .caFile(caFile)
    }
}

/// One HTTP client per trust for the life of the process (a command line's or the simulator's):
/// made when first asked for and never shut down, so connections are reused across requests.
enum SharedHTTPClients {
    private static let clients = Mutex<[ServerTrust: HTTPClient]>([:])

    static func client(for trust: ServerTrust) throws -> HTTPClient {
        try clients.withLock { clients in
            if let client = clients[trust] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if case .caFile(let path) = trust {
                let roots: [NIOSSLCertificate]
                do {
                    roots = try NIOSSLCertificate.fromPEMFile(path)
                } catch {
                    throw ClientError(
                        status: nil, code: nil, message: "the CA file \(path) cannot be read as PEM certificates")
                }
                guard !roots.isEmpty else {
                    throw ClientError(status: nil, code: nil, message: "the CA file \(path) holds no certificate")
                }
                tls.trustRoots = .certificates(roots)
            }
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            // An API client has no business following a redirect elsewhere with its token.
            configuration.redirectConfiguration = .disallow
            // A refused connection or an untrusted certificate is said at once, not retried until
            // the connect timeout runs out.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = .seconds(10)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[trust] = client
            return client
        }
    }
}
