import Foundation

// The relying-party API: an application asks for a second factor and reads the outcome.

/// How a user is asked for the second factor. `auto` means the user's default method.
public enum AuthMethod: String, Codable, Sendable, CaseIterable {
    case push
    /// A one-time code from the user's authenticator app (its offline code) or hardware token.
    case totp
    /// An app password, for clients that cannot ask for a second factor (where the provider allows them).
    case appPassword = "app_password"
    /// A 6-digit code sent by text message, checked with `POST /v1/auth/{txid}/verify`.
    case sms
    /// A phone call: the user presses # to approve.
    case voice
    case auto

    /// Methods that take a code in the request and answer at once.
    public var takesCode: Bool { self == .totp || self == .appPassword }
    /// Methods that reach the user through the telephony gateway.
    public var usesTelephony: Bool { self == .sms || self == .voice }
}

/// What the application knows about the sign-in, shown to the user on the phone.
public struct AuthContext: Codable, Sendable, Equatable {
    /// The application the user is signing in to ("VPN", "Payroll").
    public var application: String?
    /// The address the sign-in comes from, as the application saw it.
    public var clientIP: String?
    /// A place name for the address, when the application knows one.
    public var location: String?

    public init(application: String? = nil, clientIP: String? = nil, location: String? = nil) {
        self.application = application
        self.clientIP = clientIP
        self.location = location
    }
}

/// `POST /v1/auth`.
public struct AuthRequest: Codable, Sendable {
    public var user: String
    public var method: AuthMethod?
    public var context: AuthContext?
    /// How long the user has to answer; the server's default when absent, at most 10 minutes.
    public var timeoutSeconds: Int?
    /// The blocking form: answer only once the outcome is known (or the deadline passes).
    public var wait: Bool?
    /// The one-time code, for code methods.
    public var code: String?

    public init(
        user: String, method: AuthMethod? = nil, context: AuthContext? = nil, timeoutSeconds: Int? = nil,
        wait: Bool? = nil, code: String? = nil
    ) {
        self.code = code
        self.user = user
        self.method = method
        self.context = context
        self.timeoutSeconds = timeoutSeconds
        self.wait = wait
    }
}

/// Where a two-step verification stands.
public enum AuthState: String, Codable, Sendable, CaseIterable {
    case pending
    case approved
    case denied
    /// The user said they did not start this sign-in.
    case fraud
    /// Nobody answered before the deadline.
    case timeout
    /// The attempt could not go on (the pairing was invalidated while it waited, say).
    case failed

    public var isFinal: Bool { self != .pending }
}

/// One two-step verification as the relying party sees it.
public struct AuthTransaction: Codable, Sendable, Equatable {
    public var transactionId: String
    public var user: String
    public var method: AuthMethod
    public var state: AuthState
    /// The number the sign-in screen shows and the user types on the phone.
    public var number: Int?
    /// Why it was denied or failed, in words.
    public var reason: String?
    public var createdAt: Date
    public var deadline: Date
    public var answeredAt: Date?

    public init(
        transactionId: String, user: String, method: AuthMethod, state: AuthState, number: Int?, reason: String?,
        createdAt: Date, deadline: Date, answeredAt: Date?
    ) {
        self.transactionId = transactionId
        self.user = user
        self.method = method
        self.state = state
        self.number = number
        self.reason = reason
        self.createdAt = createdAt
        self.deadline = deadline
        self.answeredAt = answeredAt
    }
}

/// `POST /v1/auth/{txid}/verify`: the code the user read in the text message.
public struct VerifyCodeRequest: Codable, Sendable {
    public var code: String
    public init(code: String) { self.code = code }
}

// MARK: Relying parties (admin API)

public struct CreateClientRequest: Codable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}

public struct ClientView: Codable, Sendable, Equatable {
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(name: String, createdAt: Date, lastUsedAt: Date?) {
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// The answer to creating a client: the API key appears here once and is never shown again.
public struct CreatedClient: Codable, Sendable {
    public var client: ClientView
    public var apiKey: String

    public init(client: ClientView, apiKey: String) {
        self.client = client
        self.apiKey = apiKey
    }
}
