import CountersignCore
import Foundation
import Testing

@Suite("The answer decision: deadline, first answer wins, number matching, fraud")
struct ChallengeAnswerRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var deadline: Date { now.addingTimeInterval(30) }

    func decide(
        _ decision: ChallengeDecision, typed: Int? = nil, state: AuthState = .pending, deadline: Date? = nil
    ) -> ChallengeAnswerRule.Decision {
        ChallengeAnswerRule.decide(
            state: state, deadline: deadline ?? self.deadline, number: 42,
            answer: ChallengeAnswer(decision: decision, number: typed), fraudBlock: 3600, now: now)
    }

    @Test("approving with the number on the sign-in screen approves")
    func approveWithNumber() {
        #expect(decide(.approve, typed: 42) == .decided(state: .approved, reason: nil, blockPushUntil: nil))
    }

    @Test("approving with another number, or none, denies and says why")
    func approveWithWrongNumber() {
        let denied = ChallengeAnswerRule.Decision.decided(
            state: .denied, reason: ChallengeAnswerRule.numberMismatchReason, blockPushUntil: nil)
        #expect(decide(.approve, typed: 24) == denied)
        #expect(decide(.approve, typed: nil) == denied)
        #expect(decide(.approve, typed: 42 + 256) == denied)
    }

    @Test("a sign-in that asks for no number (a VPN over RADIUS) approves without one, whatever is typed")
    func approveWithoutNumber() {
        for typed in [nil, 42, 7] {
            let decision = ChallengeAnswerRule.decide(
                state: .pending, deadline: deadline, number: 42, asksForNumber: false,
                answer: ChallengeAnswer(decision: .approve, number: typed), fraudBlock: 3600, now: now)
            #expect(decision == .decided(state: .approved, reason: nil, blockPushUntil: nil))
        }
        let late = ChallengeAnswerRule.decide(
            state: .pending, deadline: now, number: 42, asksForNumber: false,
            answer: ChallengeAnswer(decision: .approve, number: nil), fraudBlock: 3600, now: now)
        #expect(late == .tooLate(endsChallenge: true), "the deadline holds all the same")
    }

    @Test("a denial denies; a fraud report also blocks push for the fraud-block time")
    func denyAndFraud() {
        #expect(decide(.deny) == .decided(state: .denied, reason: "denied on the phone", blockPushUntil: nil))
        #expect(
            decide(.fraud)
                == .decided(state: .fraud, reason: "reported as fraud on the phone", blockPushUntil: now + 3600))
    }

    @Test("an answer at or after the deadline is too late, and ends the sign-in only if it was still pending")
    func tooLate() {
        #expect(decide(.approve, typed: 42, deadline: now) == .tooLate(endsChallenge: true))
        #expect(decide(.approve, typed: 42, state: .timeout, deadline: now - 1) == .tooLate(endsChallenge: false))
    }

    @Test("the first answer wins: a second one changes nothing")
    func firstAnswerWins() {
        for state in AuthState.allCases where state.isFinal {
            #expect(decide(.approve, typed: 42, state: state) == .alreadyAnswered(state))
        }
    }
}
