import Foundation

/// What the keys a called user pressed decide: # approves, 0# reports fraud (and blocks push, as a
/// fraud report on the phone does), anything else or nothing denies. A call answered after its
/// deadline times out, whatever was pressed.
public enum VoiceAnswerRule {
    public struct Decision: Sendable, Equatable {
        public var state: AuthState
        public var reason: String?
        /// Set for a fraud report: push stays blocked for the user until then.
        public var blockPushUntil: Date?
    }

    public static let timeoutReason = "nobody answered the call before the deadline"
    public static let fraudReason = "the user reported the call as fraud"

    public static func decide(digits: String, deadline: Date, fraudBlock: TimeInterval, now: Date) -> Decision {
        guard deadline > now else { return Decision(state: .timeout, reason: timeoutReason) }
        switch digits {
        case "#": return Decision(state: .approved, reason: nil)
        case "0#", "0":
            return Decision(state: .fraud, reason: fraudReason, blockPushUntil: now.addingTimeInterval(fraudBlock))
        case "": return Decision(state: .denied, reason: "the user hung up without pressing #")
        default: return Decision(state: .denied, reason: "the user pressed '\(digits.prefix(8))' instead of #")
        }
    }
}

extension VoiceAnswerRule.Decision {
    init(state: AuthState, reason: String?) { self.init(state: state, reason: reason, blockPushUntil: nil) }
}
