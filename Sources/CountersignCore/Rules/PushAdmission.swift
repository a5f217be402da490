import Foundation

/// Whether a push may go to a user's phones now: the push-fatigue limits and the fraud block.
///
/// The store loads the facts (each from an index, so the cost does not grow with the user's history),
/// asks this rule, and writes the challenge only when it admits it.
public struct PushAdmission: Sendable, Equatable {
    public var limits: PushLimits

    public init(limits: PushLimits) { self.limits = limits }

    /// What the rule looks at, as the store found it in the sign-in's transaction.
    public struct Facts: Sendable, Equatable {
        /// Apps paired under the current activation and still active.
        public var activeDevices: Int
        public var pushBlockedUntil: Date?
        /// Push sign-ins still waiting for an answer, deadline not passed.
        public var pendingPushes: Int
        /// Push sign-ins started after `windowStart(now:lastApproval:)`.
        public var pushesSinceWindowStart: Int

        public init(activeDevices: Int, pushBlockedUntil: Date?, pendingPushes: Int, pushesSinceWindowStart: Int) {
            self.activeDevices = activeDevices
            self.pushBlockedUntil = pushBlockedUntil
            self.pendingPushes = pendingPushes
            self.pushesSinceWindowStart = pushesSinceWindowStart
        }
    }

    /// Where the count of pushes without success starts: `window` ago, or at the user's last
    /// approval if that came later (an approval forgives what came before it).
    public func windowStart(now: Date, lastApproval: Date?) -> Date {
        max(now.addingTimeInterval(-limits.window), lastApproval ?? .distantPast)
    }

    /// Why the push may not go, in the order a person would want to hear it, or nil to admit it.
    public func refusal(userName: String, facts: Facts, now: Date) -> AuthRefusal? {
        guard facts.activeDevices > 0 else { return .noActivatedDevice(userName) }
        if let blockedUntil = facts.pushBlockedUntil, blockedUntil > now { return .pushBlocked(until: blockedUntil) }
        guard facts.pendingPushes < limits.maxPending else { return .tooManyPending(limit: limits.maxPending) }
        guard facts.pushesSinceWindowStart < limits.maxWithoutSuccess else {
            return .tooManyWithoutSuccess(limit: limits.maxWithoutSuccess, window: limits.window)
        }
        return nil
    }
}
