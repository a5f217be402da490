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

/// Relying parties, push challenges and the auth log. Each method is one transaction; every
/// decided attempt writes its auth-log row in the same transaction as the decision.
public protocol AuthStore: Sendable {
    // Relying parties
    func createRelyingParty(id: String, name: String, secretHash: String, now: Date) async throws -> ClientView
    func relyingParties() async throws -> [ClientView]
    /// The client's name and its key's hash, by key id.
    func relyingPartyCredential(id: String) async throws -> (name: String, secretHash: String)?
    func deleteRelyingParty(name: String) async throws

    // Push challenges
    /// Checks the user and the push limits and, in one transaction, stores the challenge, queues a
    /// push for each of the user's push devices, and returns the challenge's transaction. A refusal
    /// is written to the auth log and thrown as `AuthRefusal`. Throws `StoreError.activationChanged`
    /// when the challenge was signed by an activation that is no longer current.
    func startPushChallenge(_ challenge: NewPushChallenge, limits: PushLimits, origin: AuthLogOrigin, now: Date)
        async throws -> StartedPushChallenge
    func transaction(id: String, relyingParty: String) async throws -> AuthTransaction
    /// The pending challenges a device may answer; the request's timestamp must be newer than the last.
    func pendingChallenges(deviceId: String, requestTimestampMillis: Int64, now: Date) async throws
        -> [SignedChallenge]
    func answerChallenge(
        id: String, deviceId: String, answer: ChallengeAnswer, requestTimestampMillis: Int64, limits: PushLimits,
        origin: AuthLogOrigin, now: Date
    ) async throws -> ChallengeAnswerOutcome
    /// Ends every pending challenge whose deadline has passed as a timeout; returns their ids.
    func expireChallenges(now: Date, origin: AuthLogOrigin) async throws -> [String]
    /// When the next pending challenge falls due, if any.
    func nextChallengeDeadline() async throws -> Date?

    // One-time codes
    /// Checks a TOTP/HOTP code for the user against every authenticator app paired under the current
    /// activation and every hardware token assigned to the user, accepting each code once, and counts
    /// wrong codes towards a lockout. A wrong code gives a denied transaction; a refusal (unknown user,
    /// locked, nothing that makes codes) is thrown as `AuthRefusal`. Either way the auth-log row is
    /// written in the same transaction.
    func verifyOneTimeCode(
        user: String, code: String, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction
    /// Checks an app password whose PBKDF2 comparison the caller made outside the transaction:
    /// `matchedId` is the stored password it matched, if any. Refuses where the current provider
    /// forbids app passwords; a miss counts towards the lock like a wrong code.
    func verifyAppPassword(
        user: String, matchedId: String?, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction
    /// The stored hashes of the user's app passwords, to compare outside any transaction.
    func appPasswordHashes(user: String) async throws -> [(id: String, hash: String)]
    func createAppPassword(user: String, name: String?, passwordHash: String, now: Date) async throws
        -> AppPasswordView
    func appPasswords(user: String) async throws -> [AppPasswordView]
    /// Deletes all of the user's app passwords (a lost phone or laptop); returns how many.
    func deleteAppPasswords(user: String) async throws -> Int

    /// Clears the wrong-code count and any lock.
    func unlockUser(_ name: String) async throws -> UserView

    // Auth log
    func authLog(_ filter: AuthLogFilter) async throws -> AuthLogPage
}
