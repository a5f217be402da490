import Foundation

/// How wrong one-time codes lock a user's code methods: after `maxFailures` wrong codes in a row the
/// methods lock for a time that doubles with each lockout, up to `maxLock`. A right code resets the count.
public struct LockoutPolicy: Sendable, Equatable {
    /// Never above this: a higher limit would let an attacker try too many codes.
    public static let highestMaxFailures = 100

    public var maxFailures: Int
    public var firstLock: TimeInterval
    public var maxLock: TimeInterval

    public init(maxFailures: Int = 10, firstLock: TimeInterval = 60, maxLock: TimeInterval = 3600) {
        self.maxFailures = min(max(1, maxFailures), Self.highestMaxFailures)
        self.firstLock = firstLock
        self.maxLock = maxLock
    }

    /// How long the lock lasts when the user has already been locked `previousLockouts` times.
    public func lockDuration(previousLockouts: Int) -> TimeInterval {
        min(maxLock, firstLock * pow(2, Double(min(previousLockouts, 30))))
    }
}
