import CountersignCore
import Foundation

/// Push sign-ins: started with their pushes in one transaction, answered once, timed out by
/// deadline. Each method is one transaction; every decided attempt writes its auth-log row in the
/// same transaction as the decision.
public protocol PushSignInStore: Sendable {
    /// Loads what push admission needs, asks the rule and, when it admits, stores the challenge and
    /// queues a push for each of the user's push devices. A refusal is written to the auth log and
    /// thrown as `AuthRefusal`. Throws `StoreError.activationChanged` when the challenge was signed
    /// by an activation that is no longer current.
    func startPushChallenge(_ challenge: NewPushChallenge, limits: PushLimits, origin: AuthLogOrigin, now: Date)
        async throws -> StartedPushChallenge
    /// Any sign-in of this client's (push, SMS or voice), as it stands.
    func transaction(id: String, relyingParty: String) async throws -> AuthTransaction
    /// The pending challenges a device may answer; the request's timestamp must be newer than the last.
    func pendingChallenges(deviceId: String, requestTimestampMillis: Int64, now: Date) async throws
        -> [SignedChallenge]
    func answerChallenge(
        id: String, deviceId: String, answer: ChallengeAnswer, requestTimestampMillis: Int64, limits: PushLimits,
        origin: AuthLogOrigin, now: Date
    ) async throws -> ChallengeAnswerOutcome
    /// Ends every pending sign-in whose deadline has passed as a timeout; returns their ids.
    func expireChallenges(now: Date, origin: AuthLogOrigin) async throws -> [String]
    /// When the next pending sign-in falls due, if any.
    func nextChallengeDeadline() async throws -> Date?
    /// What `method auto` means for the user now (`AutoMethodRule`): push, or SMS when no app is
    /// paired under the current activation or a fraud report blocks push.
    func defaultMethod(user: String, now: Date) async throws -> AuthMethod
}
