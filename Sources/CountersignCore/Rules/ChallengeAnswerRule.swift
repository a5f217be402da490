import Foundation

/// How a phone's answer to a push sign-in is decided: too late, already answered, or what it decides.
public enum ChallengeAnswerRule {
    public enum Decision: Sendable, Equatable {
        /// The deadline has passed. `endsChallenge`: it was still pending, so it ends now as a timeout.
        case tooLate(endsChallenge: Bool)
        /// The first answer won; this one changes nothing.
        case alreadyAnswered(AuthState)
        /// The answer decides the sign-in. A fraud report also blocks push for the user until `blockPushUntil`.
        case decided(state: AuthState, reason: String?, blockPushUntil: Date?)
    }

    public static let numberMismatchReason = "the number typed on the phone did not match the sign-in screen"
    public static let deniedReason = "denied on the phone"
    public static let fraudReason = "reported as fraud on the phone"

    /// `state`, `deadline` and `number` are the challenge's as stored; the number typed is compared in
    /// constant time. A challenge that `asksForNumber` false approves without one (and ignores one typed).
    public static func decide(
        state: AuthState, deadline: Date, number: Int?, asksForNumber: Bool = true, answer: ChallengeAnswer,
        fraudBlock: TimeInterval, now: Date
    ) -> Decision {
        if deadline <= now { return .tooLate(endsChallenge: state == .pending) }
        guard state == .pending else { return .alreadyAnswered(state) }
        switch answer.decision {
        case .approve where !asksForNumber:
            return .decided(state: .approved, reason: nil, blockPushUntil: nil)
        case .approve:
            guard let typed = answer.number, let number,
                ConstantTime.equals(numberBytes(typed), numberBytes(number))
            else { return .decided(state: .denied, reason: numberMismatchReason, blockPushUntil: nil) }
            return .decided(state: .approved, reason: nil, blockPushUntil: nil)
        case .deny:
            return .decided(state: .denied, reason: deniedReason, blockPushUntil: nil)
        case .fraud:
            return .decided(state: .fraud, reason: fraudReason, blockPushUntil: now.addingTimeInterval(fraudBlock))
        }
    }

    static func numberBytes(_ number: Int) -> [UInt8] { withUnsafeBytes(of: number.littleEndian, Array.init) }
}
