import Foundation

/// The result column of the auth log, as the provider's FAQ names it.
public enum AuthLogResult: String, Codable, Sendable, CaseIterable {
    case success
    case denied
}

/// One row of the authentication log: one verification attempt.
public struct AuthLogEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var time: Date
    /// The user's unique identifier (the user name), as the relying party sent it.
    public var user: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    /// For voice and SMS.
    public var phone: String?
    /// The answering app's push token (its device id when it has none).
    public var deviceToken: String?
    /// The authentication mode: push, sms, voice, totp, app_password.
    public var mode: String
    public var result: AuthLogResult
    /// What the attempt ended as: approved, denied, fraud, timeout, refused, failed.
    public var outcome: String
    /// Why it was denied, in words.
    public var reason: String?
    public var serverName: String
    public var serverIP: String?
    public var clientIP: String?
    public var application: String?
    public var transactionId: String?
    /// The client (relying party) that asked.
    public var client: String?
    /// The provider the server was linked to at the time.
    public var provider: String?

    public init(
        id: Int64, time: Date, user: String, firstName: String?, lastName: String?, email: String?, phone: String?,
        deviceToken: String?, mode: String, result: AuthLogResult, outcome: String, reason: String?,
        serverName: String, serverIP: String?, clientIP: String?, application: String?, transactionId: String?,
        client: String? = nil, provider: String? = nil
    ) {
        self.client = client
        self.provider = provider
        self.id = id
        self.time = time
        self.user = user
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.deviceToken = deviceToken
        self.mode = mode
        self.result = result
        self.outcome = outcome
        self.reason = reason
        self.serverName = serverName
        self.serverIP = serverIP
        self.clientIP = clientIP
        self.application = application
        self.transactionId = transactionId
    }
}

/// A page of the auth log, newest first; `nextBefore` asks for the next older page.
public struct AuthLogPage: Codable, Sendable {
    public var entries: [AuthLogEntry]
    public var nextBefore: Int64?

    public init(entries: [AuthLogEntry], nextBefore: Int64?) {
        self.entries = entries
        self.nextBefore = nextBefore
    }
}
