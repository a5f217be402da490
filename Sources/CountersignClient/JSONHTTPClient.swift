import CountersignCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
public struct JSONHTTPClient: Sendable {
    public let baseURL: URL
    public var defaultHeaders: [String: String]
    public var timeout: TimeInterval

    public init(baseURL: URL, defaultHeaders: [String: String] = [:], timeout: TimeInterval = 30) {
        self.baseURL = baseURL
        self.defaultHeaders = defaultHeaders
        self.timeout = timeout
    }

    /// Sends raw bytes and returns the status and body; refuses nothing by status.
    public func send(method: String, path: String, body: Data?, headers: [String: String] = [:])
        async throws(ClientError)
        -> (status: Int, body: Data)
    {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw ClientError(status: nil, code: nil, message: "cannot form a URL from \(baseURL) and \(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in defaultHeaders.merging(headers, uniquingKeysWith: { $1 }) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw ClientError(
                status: nil, code: nil,
                message:
                    "cannot reach the Countersign server at \(baseURL.absoluteString): \(error.localizedDescription)")
        }
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
