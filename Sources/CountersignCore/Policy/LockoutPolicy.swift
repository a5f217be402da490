import Foundation

/// How wrong one-time codes lock a user's code methods: after `maxFailures` wrong codes in a row the
/// methods lock for a time that doubles with each lockout, up to `maxLock`. A right code resets the count.
///
/// The lock is the last resort and counts every source together, so it sits far above what a person
/// types wrong (NIST SP 800-63B allows at most 100). Before it, `throttle` slows down the one source
/// that keeps guessing, so that whoever holds a client key cannot lock someone else out quickly.
public struct LockoutPolicy: Sendable, Equatable {
    /// Never above this: a higher limit would let an attacker try too many codes.
    public static let highestMaxFailures = 100

    public var maxFailures: Int
    public var firstLock: TimeInterval
    public var maxLock: TimeInterval
    public var throttle: CodeThrottlePolicy

    public init(
        maxFailures: Int = 50, firstLock: TimeInterval = 60, maxLock: TimeInterval = 3600,
        throttle: CodeThrottlePolicy = CodeThrottlePolicy()
    ) {
        self.maxFailures = min(max(1, maxFailures), Self.highestMaxFailures)
        self.firstLock = firstLock
        self.maxLock = maxLock
        self.throttle = throttle
    }

    /// How long the lock lasts when the user has already been locked `previousLockouts` times.
    public func lockDuration(previousLockouts: Int) -> TimeInterval {
        min(maxLock, firstLock * pow(2, Double(min(previousLockouts, 30))))
    }
}
