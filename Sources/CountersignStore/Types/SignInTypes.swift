import CountersignCore
import Foundation

/// Where log rows say they were written: this server's name and address.
public struct AuthLogOrigin: Sendable {
    public var serverName: String
    public var serverIP: String?

    public init(serverName: String, serverIP: String?) {
        self.serverName = serverName
        self.serverIP = serverIP
    }
}

/// A push challenge to store, with its details already signed by the activation it names.
/// A stored push challenge, and the public keys of the devices that may answer it, which the
/// server keeps at hand to check their answers without another read.
public struct StartedPushChallenge: Sendable {
    public var transaction: AuthTransaction
    /// Device id and X9.63 public key of each of the user's active devices.
    public var devicePublicKeys: [(deviceId: String, publicKey: Data)]
}

public struct NewPushChallenge: Sendable {
    public var details: ChallengeDetails
    public var signed: SignedChallenge
    public var number: Int
    public var relyingParty: String
    public var requestedMethod: AuthMethod
    /// Whether the phone must type `number` to approve (the details say the same, signed).
    public var asksForNumber: Bool { details.asksForNumber ?? true }

    public init(
        details: ChallengeDetails, signed: SignedChallenge, number: Int, relyingParty: String,
        requestedMethod: AuthMethod
    ) {
        self.details = details
        self.signed = signed
        self.number = number
        self.relyingParty = relyingParty
        self.requestedMethod = requestedMethod
    }
}

/// How a phone's answer was taken.
public enum ChallengeAnswerOutcome: Sendable, Equatable {
    /// The answer decided the challenge: approved, denied or fraud.
    /// The answer decided the sign-in; `transaction` is how it now reads.
    case recorded(transaction: AuthTransaction)
    /// The deadline had passed: the challenge ends (or ended) as a timeout.
    case tooLate
    /// Someone (another device, or this one) answered first.
    case alreadyAnswered(state: AuthState)
}

/// Which auth-log rows to read.
public struct AuthLogFilter: Sendable {
    public var user: String?
    public var since: Date?
    public var until: Date?
    public var result: AuthLogResult?
    /// Only rows older than this id (paging).
    public var before: Int64?
    public var limit: Int

    public init(
        user: String? = nil, since: Date? = nil, until: Date? = nil, result: AuthLogResult? = nil,
        before: Int64? = nil, limit: Int = 100
    ) {
        self.user = user
        self.since = since
        self.until = until
        self.result = result
        self.before = before
        self.limit = limit
    }
}
