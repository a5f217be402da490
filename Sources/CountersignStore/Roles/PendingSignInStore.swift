import CountersignCore
import Foundation

/// The sign-ins still waiting for their users, for the helpdesk: listed, and ended by hand.
public protocol PendingSignInStore: Sendable {
    /// Push, SMS and voice sign-ins still pending and not yet past their deadline, oldest first, of
    /// one user (`userNotFound` if there is none of that name) or of everyone; at most `limit`.
    func pendingSignIns(user: String?, limit: Int, now: Date) async throws -> [PendingSignIn]
    /// Ends a pending sign-in of any client as failed with `reason`, its queued pushes cancelled and
    /// its log row written, and returns it as it ended. `challengeNotFound` for an unknown id,
    /// `signInEnded` for one that had already ended.
    func cancelSignIn(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws -> AuthTransaction
}
