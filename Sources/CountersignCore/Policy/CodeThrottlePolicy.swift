import Foundation

/// How wrong one-time codes from one source slow that source down, before any lock of the user.
///
/// A source is the client (the relying party's API key) and the address it says the attempt came
/// from. Its first `freeFailures` wrong codes in a row for a user cost nothing; each one after that
/// makes it wait before its next code for that user is even looked at, twice as long each time, up
/// to `maxDelay`. Other sources (the user at their own VPN) are not slowed, and none of it locks the
/// user: only `LockoutPolicy.maxFailures` wrong codes in a row, from every source together, do.
public struct CodeThrottlePolicy: Sendable, Equatable {
    public var freeFailures: Int
    public var firstDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(freeFailures: Int = 5, firstDelay: TimeInterval = 2, maxDelay: TimeInterval = 900) {
        self.freeFailures = max(1, freeFailures)
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }
}
