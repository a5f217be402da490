import Foundation

// RADIUS clients (admin API): the NAS allowed to ask for a second factor over RADIUS.

/// `POST /v1/radius-clients` (name, address and secret required) and `PATCH /v1/radius-clients/{name}`
/// (every field optional; what is absent stays as it is).
public struct RadiusClientRequest: Codable, Sendable {
    public var name: String?
    /// An IP address or CIDR block the client sends from.
    public var address: String?
    /// The shared secret, 16 to 128 characters. Never shown again.
    public var secret: String?
    public var mode: RadiusMode?
    /// `none` or `radius`; `radius` needs `upstream` and `upstreamSecret`.
    public var firstFactor: String?
    /// The first-factor server as HOST:PORT.
    public var upstream: String?
    public var upstreamSecret: String?
    public var upstreamTimeoutSeconds: Int?
    /// How long the client waits for an answer, all retries together.
    public var timeoutSeconds: Int?
    public var requireMessageAuthenticator: Bool?
    public var delimiter: String?

    public init(
        name: String? = nil, address: String? = nil, secret: String? = nil, mode: RadiusMode? = nil,
        firstFactor: String? = nil, upstream: String? = nil, upstreamSecret: String? = nil,
        upstreamTimeoutSeconds: Int? = nil, timeoutSeconds: Int? = nil, requireMessageAuthenticator: Bool? = nil,
        delimiter: String? = nil
    ) {
        self.name = name
        self.address = address
        self.secret = secret
        self.mode = mode
        self.firstFactor = firstFactor
        self.upstream = upstream
        self.upstreamSecret = upstreamSecret
        self.upstreamTimeoutSeconds = upstreamTimeoutSeconds
        self.timeoutSeconds = timeoutSeconds
        self.requireMessageAuthenticator = requireMessageAuthenticator
        self.delimiter = delimiter
    }
}

/// A RADIUS client as the admin API shows it: never its secrets.
public struct RadiusClientView: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var mode: RadiusMode
    public var firstFactor: String
    public var upstream: String?
    public var upstreamTimeoutSeconds: Int?
    public var timeoutSeconds: Int
    public var requireMessageAuthenticator: Bool
    public var delimiter: String
    public var createdAt: Date

    public init(_ client: RadiusClient) {
        name = client.name
        address = client.settings.network.description
        mode = client.settings.mode
        firstFactor = client.settings.firstFactor.name
        if case .radius(let server) = client.settings.firstFactor {
            upstream = server.address
            upstreamTimeoutSeconds = server.timeoutSeconds
        }
        timeoutSeconds = client.settings.timeoutSeconds
        requireMessageAuthenticator = client.settings.requireMessageAuthenticator
        delimiter = client.settings.delimiter
        createdAt = client.createdAt
    }
}

public struct RadiusClientList: Codable, Sendable {
    public var clients: [RadiusClientView]
    public init(clients: [RadiusClientView]) { self.clients = clients }
}
