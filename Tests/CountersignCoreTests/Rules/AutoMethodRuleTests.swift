import CountersignCore
import Foundation
import Testing

@Suite("What method auto means")
struct AutoMethodRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("push with a paired app; SMS without one, or while a fraud report blocks push; push without a phone")
    func choice() {
        #expect(AutoMethodRule.method(pairedApps: true, pushBlockedUntil: nil, hasPhone: true, now: now) == .push)
        #expect(AutoMethodRule.method(pairedApps: false, pushBlockedUntil: nil, hasPhone: true, now: now) == .sms)
        #expect(AutoMethodRule.method(pairedApps: true, pushBlockedUntil: now + 1, hasPhone: true, now: now) == .sms)
        #expect(AutoMethodRule.method(pairedApps: true, pushBlockedUntil: now, hasPhone: true, now: now) == .push)
        #expect(AutoMethodRule.method(pairedApps: false, pushBlockedUntil: now + 1, hasPhone: false, now: now) == .push)
    }
}
