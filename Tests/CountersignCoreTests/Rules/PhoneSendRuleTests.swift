import CountersignCore
import Foundation
import Testing

@Suite("Phone sends: 5 in 5 minutes, short code or long number, an SMS code replaces the last")
struct PhoneSendRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let rule = PhoneSendRule(limits: PhoneLimits(maxSends: 5, sendWindow: 300))
    let route = PhoneSendRule.Route(
        provider: "acme", hasGateway: true,
        settings: ProviderSettings(smsLongNumber: "+447700900123", voiceCallerId: "+15555550199"))

    func recipient(phone: String? = "+14155550100", lockedUntil: Date? = nil) -> PhoneSendRule.Recipient {
        .init(name: "carol", phone: phone, country: nil, lockedUntil: lockedUntil)
    }

    func decide(
        _ method: AuthMethod = .sms, recipient: PhoneSendRule.Recipient? = nil, route: PhoneSendRule.Route?? = nil,
        recent: [Date] = [], rotation: Int = 0
    ) -> Result<PhoneSendRule.Send, AuthRefusal> {
        rule.decide(
            method: method, recipient: recipient ?? self.recipient(), route: route ?? self.route, recentSends: recent,
            rotation: rotation, now: now)
    }

    @Test("a US number gets a rotated short code and replaces a pending code; a UK number gets the long number")
    func senders() throws {
        let us = try decide(rotation: 1).get()
        #expect(us.sender == SMSSender.usShortCodes[1])
        #expect(us.country == "US")
        #expect(us.replacesPendingCodes)
        let uk = try decide(recipient: recipient(phone: "+447700900456")).get()
        #expect(uk.sender == "+447700900123")
        #expect(uk.country == "GB")
    }

    @Test("a call comes from the caller ID and replaces nothing; without one it is refused")
    func voice() throws {
        let call = try decide(.voice).get()
        #expect(call.sender == "+15555550199")
        #expect(!call.replacesPendingCodes)
        let noCallerId = PhoneSendRule.Route(provider: "acme", hasGateway: true, settings: ProviderSettings())
        #expect(throws: AuthRefusal.noSender(method: .voice, country: "US")) {
            try decide(.voice, route: noCallerId).get()
        }
    }

    @Test("the sixth send within five minutes is refused until the oldest leaves the window")
    func sendLimit() {
        let sends = (1...5).map { now.addingTimeInterval(TimeInterval(-$0 * 50)) }
        #expect(throws: AuthRefusal.tooManySends(limit: 5, retryAt: now.addingTimeInterval(50))) {
            try decide(recent: sends).get()
        }
        #expect((try? decide(recent: Array(sends.prefix(4))).get()) != nil)
        // A send older than the window does not count, even if the store handed it over.
        #expect((try? decide(recent: Array(sends.prefix(4)) + [now - 301]).get()) != nil)
    }

    @Test("a locked user gets no SMS but may still be called; no phone, no activation and no gateway are refused")
    func refusals() {
        let locked = recipient(lockedUntil: now + 10)
        #expect(throws: AuthRefusal.locked(until: now + 10)) { try decide(recipient: locked).get() }
        #expect((try? decide(.voice, recipient: locked).get()) != nil)
        #expect(throws: AuthRefusal.noPhoneNumber("carol")) { try decide(recipient: recipient(phone: nil)).get() }
        #expect(throws: AuthRefusal.notActivated) { try decide(route: .some(nil)).get() }
        let silent = PhoneSendRule.Route(provider: "acme", hasGateway: false, settings: route.settings)
        #expect(throws: AuthRefusal.noTelephonyGateway("acme")) { try decide(route: silent).get() }
    }

    @Test("a number outside the US and Canada needs the provider's long number")
    func longNumberNeeded() {
        let bare = PhoneSendRule.Route(provider: "acme", hasGateway: true, settings: ProviderSettings())
        #expect(throws: AuthRefusal.noSender(method: .sms, country: "GB")) {
            try decide(recipient: recipient(phone: "+447700900456"), route: bare).get()
        }
    }
}
