import CountersignCore
import Foundation
import Testing

@Suite("What the keys pressed on a call decide")
struct VoiceAnswerRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("# approves, 0# reports fraud and blocks push, anything else or nothing denies")
    func keys() {
        func decide(_ digits: String) -> VoiceAnswerRule.Decision {
            VoiceAnswerRule.decide(digits: digits, deadline: now + 30, fraudBlock: 3600, now: now)
        }
        #expect(decide("#").state == .approved && decide("#").blockPushUntil == nil)
        #expect(decide("0#").state == .fraud && decide("0#").blockPushUntil == now + 3600)
        #expect(decide("").state == .denied)
        #expect(decide("1234567890#").reason == "the user pressed '12345678' instead of #")
    }

    @Test("a call answered at or after its deadline times out, whatever was pressed, and blocks nothing")
    func late() {
        let late = VoiceAnswerRule.decide(digits: "0#", deadline: now, fraudBlock: 3600, now: now)
        #expect(late.state == .timeout && late.blockPushUntil == nil)
    }
}
