import Foundation

/// One generator a typed code may have come from: an app's offline codes or a hardware token, with
/// the mark that makes each code work once.
public struct OneTimeCodeCandidate: Sendable {
    public enum Sequence: Sendable, Equatable {
        /// Time-based: a step at or before `lastUsedStep` is a replay.
        case totp(period: Int, lastUsedStep: UInt64?)
        /// Counter-based: the next counter the token may show.
        case hotp(nextCounter: UInt64)
    }

    public var hotp: HOTP
    public var sequence: Sequence

    public init(hotp: HOTP, sequence: Sequence) {
        self.hotp = hotp
        self.sequence = sequence
    }

    /// The app's offline codes as pairing hands them out: SHA-1, 6 digits, 30 s.
    public static func authenticatorApp(secret: some Collection<UInt8>, lastUsedStep: UInt64?) throws -> Self {
        Self(hotp: try HOTP(secret: Array(secret)), sequence: .totp(period: 30, lastUsedStep: lastUsedStep))
    }
}

/// Which candidate a typed code matches, and the mark to store so that the code never works again.
public enum OneTimeCodeMatch {
    /// Steps either side of now that a TOTP code may come from (clock drift, slow typing).
    public static let totpWindow = 1
    /// Button presses a counter token may have made without a sign-in (RFC 4226 §7.4's look-ahead).
    public static let hotpLookAhead: UInt64 = 10

    public enum Mark: Sendable, Equatable {
        /// Store as the candidate's last used step.
        case lastUsedStep(UInt64)
        /// Store as the token's next counter.
        case nextCounter(UInt64)
    }

    /// The first candidate, in order, that the code matches, with its new mark.
    public static func first(_ code: String, in candidates: [OneTimeCodeCandidate], at now: Date) -> (
        index: Int, mark: Mark
    )? {
        for (index, candidate) in candidates.enumerated() {
            if let mark = mark(code, candidate, now) { return (index, mark) }
        }
        return nil
    }

    static func mark(_ code: String, _ candidate: OneTimeCodeCandidate, _ now: Date) -> Mark? {
        switch candidate.sequence {
        case .totp(let period, let lastUsedStep):
            let totp = TOTP(hotp: candidate.hotp, period: period)
            return totp.matchingStep(for: code, at: now, window: totpWindow, lastUsedStep: lastUsedStep)
                .map(Mark.lastUsedStep)
        case .hotp(let next):
            let (end, overflow) = next.addingReportingOverflow(hotpLookAhead)
            let counters = Array(next..<(overflow ? UInt64.max : end))
            return candidate.hotp.firstMatch(code, counters: counters).map { .nextCounter($0 + 1) }
        }
    }
}
