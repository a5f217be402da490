import Foundation

/// One source's standing against one user's codes, as stored (`code_throttle`).
public struct SourceCounters: Sendable, Equatable {
    /// Wrong codes in a row from this source for this user.
    public var failures: Int
    /// Its next code for the user is not looked at before this.
    public var waitUntil: Date?

    public init(failures: Int = 0, waitUntil: Date? = nil) {
        self.failures = failures
        self.waitUntil = waitUntil
    }
}

/// The throttle every code method shares, per user and source (`CodeThrottlePolicy`): an attempt
/// that comes too soon is refused without its code being looked at or counted anywhere; a wrong code
/// makes the source wait longer; a right one clears the source's count.
public struct CodeThrottle: Sendable, Equatable {
    public var policy: CodeThrottlePolicy

    public init(policy: CodeThrottlePolicy = CodeThrottlePolicy()) { self.policy = policy }

    /// Who is trying: the client and the address it gives (none when it gives none).
    public static func source(client: String, clientIP: String?) -> String {
        "\(client.lowercased()) \(clientIP ?? "-")"
    }

    /// The refusal for a source that must still wait at `now`.
    public func refusal(_ counters: SourceCounters, now: Date) -> AuthRefusal? {
        guard let until = counters.waitUntil, until > now else { return nil }
        return .slowedDown(until: until)
    }

    /// The source's counters after its code was checked; nil when it has nothing left to remember
    /// (a right code), so its row can go.
    public func counters(after check: CodeCheck, from counters: SourceCounters, now: Date) -> SourceCounters? {
        switch check {
        case .refused: return counters
        case .matched: return nil
        case .wrong:
            let failures = counters.failures + 1
            guard failures >= policy.freeFailures else { return SourceCounters(failures: failures) }
            let doublings = Double(min(failures - policy.freeFailures, 30))
            let delay = min(policy.maxDelay, policy.firstDelay * pow(2, doublings))
            return SourceCounters(failures: failures, waitUntil: now.addingTimeInterval(delay))
        }
    }
}
