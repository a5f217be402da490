import Foundation

/// Time-based one-time passwords (RFC 6238): HOTP over the number of `period`-second steps since T0.
public struct TOTP: Sendable {
    public let hotp: HOTP
    public let period: Int
    public let epoch: Int64

    public init(hotp: HOTP, period: Int = 30, epoch: Int64 = 0) {
        precondition(period > 0, "a TOTP period is a positive number of seconds")
        self.hotp = hotp
        self.period = period
        self.epoch = epoch
    }

    /// The time step that contains `unixTime` (whole seconds).
    public func step(at unixTime: Int64) -> UInt64 {
        UInt64(max(0, (unixTime - epoch) / Int64(period)))
    }

    public func step(at date: Date) -> UInt64 {
        step(at: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    public func code(at date: Date) -> String {
        hotp.code(counter: step(at: date))
    }

    public func code(step: UInt64) -> String {
        hotp.code(counter: step)
    }

    /// Seconds left before the code for `date` changes.
    public func secondsRemaining(at date: Date) -> Int {
        let elapsed = (Int64(date.timeIntervalSince1970.rounded(.down)) - epoch) % Int64(period)
        return period - Int(elapsed)
    }

    /// Finds the step whose code matches, searching `window` steps either side of now.
    ///
    /// A step at or before `lastUsedStep` never matches: each code is accepted once, and an older
    /// code is a replay. Codes are compared in constant time.
    public func matchingStep(for candidate: String, at date: Date, window: Int = 1, lastUsedStep: UInt64? = nil)
        -> UInt64?
    {
        let current = Int64(step(at: date))
        let steps = (-Int64(window)...Int64(window)).compactMap { offset -> UInt64? in
            let step = current + offset
            guard step >= 0 else { return nil }
            if let lastUsedStep, UInt64(step) <= lastUsedStep { return nil }
            return UInt64(step)
        }
        return hotp.firstMatch(candidate, counters: steps)
    }
}
