import Foundation

/// A user's standing against code guessing, as stored with the user.
public struct CodeAttemptCounters: Sendable, Equatable {
    /// Wrong codes in a row since the last right one or the last lock.
    public var failedAttempts: Int
    /// How many times the user has been locked: each lock lasts twice the one before.
    public var lockouts: Int
    public var lockedUntil: Date?

    public init(failedAttempts: Int = 0, lockouts: Int = 0, lockedUntil: Date? = nil) {
        self.failedAttempts = failedAttempts
        self.lockouts = lockouts
        self.lockedUntil = lockedUntil
    }
}

/// What checking one code found, before the lockout counts it.
public enum CodeCheck: Sendable, Equatable {
    /// The code was right; `credential` names what it came from (device token, token serial).
    case matched(credential: String?)
    /// The code was wrong, or was already used: counted towards the lock.
    case wrong(reason: String)
    /// The method cannot be used for this user at all; not counted.
    case refused(AuthRefusal)
}

/// The lockout every code method shares: a locked user is refused before the code is looked at, a
/// wrong code counts, a right one clears the count.
public struct CodeLockout: Sendable, Equatable {
    public var policy: LockoutPolicy

    public init(policy: LockoutPolicy) { self.policy = policy }

    /// The refusal for a user still locked at `now`.
    public func refusal(_ counters: CodeAttemptCounters, now: Date) -> AuthRefusal? {
        guard let lockedUntil = counters.lockedUntil, lockedUntil > now else { return nil }
        return .locked(until: lockedUntil)
    }

    /// The counters after a code was checked; a refused attempt leaves them alone.
    public func counters(after check: CodeCheck, from counters: CodeAttemptCounters, now: Date) -> CodeAttemptCounters {
        var next = counters
        switch check {
        case .refused:
            break
        case .matched:
            next.failedAttempts = 0
        case .wrong:
            next.failedAttempts += 1
            if next.failedAttempts >= policy.maxFailures {
                next.lockedUntil = now.addingTimeInterval(policy.lockDuration(previousLockouts: counters.lockouts))
                next.lockouts += 1
                next.failedAttempts = 0
            }
        }
        return next
    }

    /// What an administrator's unlock leaves: no count, no lock, and the next lock as short as the first.
    public static let unlocked = CodeAttemptCounters()
}
