import CountersignCore
import Foundation

/// An SMS code or voice call to start.
public struct NewPhoneChallenge: Sendable {
    public var method: AuthMethod
    public var user: String
    public var transactionId: String
    /// The SMS code, or the voice call's callback token; only a keyed hash is stored.
    public var secret: String
    public var context: AuthContext
    public var relyingParty: String
    public var lifetime: TimeInterval
    /// Picks among the short codes for US and Canadian numbers.
    public var senderRotation: Int

    public init(
        method: AuthMethod, user: String, transactionId: String, secret: String, context: AuthContext,
        relyingParty: String, lifetime: TimeInterval, senderRotation: Int
    ) {
        self.method = method
        self.user = user
        self.transactionId = transactionId
        self.secret = secret
        self.context = context
        self.relyingParty = relyingParty
        self.lifetime = lifetime
        self.senderRotation = senderRotation
    }
}

/// Where and how to deliver a started phone challenge.
public struct PhoneDelivery: Sendable {
    public var transaction: AuthTransaction
    public var phone: String
    public var country: String
    /// The SMS sender or the voice caller ID.
    public var sender: String
    public var telephony: TelephonySettings
}

/// SMS codes and voice calls. Pending ones live in the store, so a restart loses none.
public protocol PhoneStore: Sendable {
    /// Checks the user (enabled, has a phone, not locked for SMS) and the send limit, picks the
    /// sender, replaces a pending SMS code, and stores the new challenge, in one transaction. A
    /// refusal is logged and thrown as `AuthRefusal`.
    func startPhoneChallenge(_ challenge: NewPhoneChallenge, limits: PhoneLimits, origin: AuthLogOrigin, now: Date)
        async throws -> PhoneDelivery
    /// Ends a challenge whose message no gateway accepted.
    func failPhoneChallenge(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws
    /// Checks a texted code: once right, it is spent; a wrong one counts towards the lock.
    func verifySMSCode(
        transactionId: String, relyingParty: String, code: String, policy: LockoutPolicy, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction
    /// Takes a call's answer from the gateway's callback; the token must match the call's.
    func answerVoiceCall(transactionId: String, token: String, digits: String, origin: AuthLogOrigin, now: Date)
        async throws -> AuthTransaction

    func setTelephonySettings(_ settings: TelephonySettings?, provider: String) async throws
    func telephonySettings(provider: String) async throws -> TelephonySettings?
}
