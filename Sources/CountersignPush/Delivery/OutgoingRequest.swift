import Foundation

/// An HTTP request ready for any transport: the protocol code builds these, the HTTP client sends them.
public struct OutgoingRequest: Sendable, Equatable {
    public var method: String
    /// Path and query, to be joined to the service's base URL.
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, path: String, headers: [(name: String, value: String)], body: Data) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public static func == (lhs: OutgoingRequest, rhs: OutgoingRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }
}

/// Why a notification could not even be put into a request.
public struct PushRequestError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
