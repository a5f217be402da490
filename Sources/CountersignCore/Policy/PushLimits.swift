import Foundation

/// The push-fatigue limits: how hard an attacker holding a password may pester the user's phone.
public struct PushLimits: Sendable, Equatable {
    /// Pushes waiting for an answer at once, per user.
    public var maxPending: Int
    /// Pushes in `window` since the user's last approval.
    public var maxWithoutSuccess: Int
    public var window: TimeInterval
    /// How long a fraud report stops push for the user.
    public var fraudBlock: TimeInterval

    public init(
        maxPending: Int = 3, maxWithoutSuccess: Int = 10, window: TimeInterval = 600, fraudBlock: TimeInterval = 3600
    ) {
        self.maxPending = maxPending
        self.maxWithoutSuccess = maxWithoutSuccess
        self.window = window
        self.fraudBlock = fraudBlock
    }
}
