import CountersignCore
import Foundation

/// SMS codes and voice calls. Pending ones live in the store, so a restart loses none, and any
/// server sharing the store can check a code another one texted.
public protocol PhoneSignInStore: Sendable {
    /// Loads what the send rule needs, asks it and, when it admits, replaces a pending SMS code and
    /// stores the new challenge, in one transaction. A refusal is logged and thrown as `AuthRefusal`.
    func startPhoneChallenge(_ challenge: NewPhoneChallenge, limits: PhoneLimits, origin: AuthLogOrigin, now: Date)
        async throws -> PhoneDelivery
    /// Ends a challenge whose message no gateway accepted.
    func failPhoneChallenge(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws
    /// Checks a texted code: once right, it is spent; a wrong one counts towards the lock.
    func verifySMSCode(
        transactionId: String, relyingParty: String, code: String, policy: LockoutPolicy, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction
    /// Takes a call's answer from the gateway's callback; the token must match the call's. A fraud
    /// report (0#) blocks push for the user for `fraudBlock`, as one made on the phone does.
    func answerVoiceCall(
        transactionId: String, token: String, digits: String, fraudBlock: TimeInterval, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction
}
