import Foundation

/// When to try a message again after a retryable answer: exponential backoff with full jitter,
/// at least what the service asked for in Retry-After, and never past the message's deadline.
public struct RetryPolicy: Sendable {
    public var initialDelay: TimeInterval
    public var maximumDelay: TimeInterval
    public var multiplier: Double

    public init(initialDelay: TimeInterval = 0.5, maximumDelay: TimeInterval = 60, multiplier: Double = 2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
    }

    /// The delay before attempt number `attempt + 1` (the first retry has `attempt == 1`), or nil
    /// when waiting would pass the deadline, so the message must be given up as expired.
    ///
    /// `random` returns a value in 0...1; jitter spreads retries so that many messages refused
    /// together do not come back together.
    public func delay(
        afterAttempt attempt: Int, retryAfter: TimeInterval?, now: Date, deadline: Date,
        random: () -> Double = { Double.random(in: 0...1) }
    ) -> TimeInterval? {
        let exponent = Double(max(0, attempt - 1))
        let ceiling = min(maximumDelay, initialDelay * pow(multiplier, exponent))
        let jittered = ceiling * min(1, max(0, random()))
        let delay = max(jittered, retryAfter ?? 0)
        guard now.addingTimeInterval(delay) < deadline else { return nil }
        return delay
    }
}
