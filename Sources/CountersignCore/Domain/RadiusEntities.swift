import Foundation

/// How a RADIUS client's users give the second factor.
public enum RadiusMode: String, Codable, Sendable, CaseIterable {
    /// The request is held while the phone is asked; no number to match, since the VPN cannot show one.
    case push
    /// An Access-Challenge asks for a code, or offers push with the number to type on the phone.
    case challenge
    /// The password carries the factor after a delimiter: `password,123456` or `password,push`.
    case append
}

/// Where the password is checked: by the VPN itself, or by an upstream RADIUS server we ask first.
public enum RadiusFirstFactor: Sendable, Equatable {
    case none
    case radius(UpstreamRadiusServer)

    public var name: String {
        switch self {
        case .none: "none"
        case .radius: "radius"
        }
    }
}

/// The upstream first-factor server (NPS, FreeRADIUS): its address, shared secret and how long to wait.
public struct UpstreamRadiusServer: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var secret: [UInt8]
    public var timeoutSeconds: Int

    public init(host: String, port: Int, secret: [UInt8], timeoutSeconds: Int) {
        self.host = host
        self.port = port
        self.secret = secret
        self.timeoutSeconds = timeoutSeconds
    }

    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// What an administrator chooses for a RADIUS client, beyond its name and secret.
public struct RadiusClientSettings: Sendable, Equatable {
    /// The addresses the client sends from.
    public var network: AddressRange
    public var mode: RadiusMode
    public var firstFactor: RadiusFirstFactor
    /// How long the client waits for our answer, all its retries together; every wait is capped
    /// below it, so that an answer never arrives after the VPN gave up.
    public var timeoutSeconds: Int
    /// Drop Access-Requests without a valid Message-Authenticator (RFC 3579; BlastRADIUS).
    public var requireMessageAuthenticator: Bool
    /// In `append` mode, what separates the password from the factor.
    public var delimiter: String

    public static let defaultTimeoutSeconds = 30
    public static let timeoutRange = 10...600

    public init(
        network: AddressRange, mode: RadiusMode = .challenge, firstFactor: RadiusFirstFactor = .none,
        timeoutSeconds: Int = defaultTimeoutSeconds, requireMessageAuthenticator: Bool = true, delimiter: String = ","
    ) {
        self.network = network
        self.mode = mode
        self.firstFactor = firstFactor
        self.timeoutSeconds = timeoutSeconds
        self.requireMessageAuthenticator = requireMessageAuthenticator
        self.delimiter = delimiter
    }

    /// The longest the server holds a request: a few seconds under the client's own timeout.
    public var longestWait: TimeInterval { TimeInterval(max(5, timeoutSeconds - 3)) }
}

/// A NAS (VPN concentrator, firewall, Wi-Fi controller) allowed to ask over RADIUS.
public struct RadiusClient: Sendable, Equatable {
    public var name: String
    /// The shared secret, opened from its sealed form; never shown after it is set.
    public var secret: [UInt8]
    public var settings: RadiusClientSettings
    public var createdAt: Date

    public init(name: String, secret: [UInt8], settings: RadiusClientSettings, createdAt: Date) {
        self.name = name
        self.secret = secret
        self.settings = settings
        self.createdAt = createdAt
    }

    /// The name its sign-ins carry in the auth log and the reports.
    public var relyingParty: String { "radius:\(name)" }
}

/// What the server remembers between two rounds of a RADIUS dialogue, under the State it sent.
/// Kept in the store, so that with several nodes any node can take the next round.
public struct RadiusRound: Sendable, Equatable {
    public enum Step: String, Sendable, CaseIterable {
        /// The first factor passed; the next round brings a code, or asks for push or SMS.
        case factor
        /// A push with a number was sent; the next round waits for the phone.
        case push
        /// A code was texted; the next round brings it.
        case sms
    }

    public var client: String
    public var user: String
    public var step: Step
    public var transactionId: String?
    /// The upstream first-factor server's Accept attributes, encoded as they arrived, for the final Accept.
    public var carriedAttributes: [UInt8]
    public var expiresAt: Date

    public init(
        client: String, user: String, step: Step, transactionId: String?, carriedAttributes: [UInt8], expiresAt: Date
    ) {
        self.client = client
        self.user = user
        self.step = step
        self.transactionId = transactionId
        self.carriedAttributes = carriedAttributes
        self.expiresAt = expiresAt
    }
}
