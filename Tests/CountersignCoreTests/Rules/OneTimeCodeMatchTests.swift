import CountersignCore
import Foundation
import Testing

@Suite("One-time-code matching across apps and tokens, each code once")
struct OneTimeCodeMatchTests {
    let secret = Array("12345678901234567890".utf8)
    let now = Date(timeIntervalSince1970: 59)

    @Test("an app's current code matches with its step as the new mark, and the same code then fails")
    func appCodeOnce() throws {
        let app = try OneTimeCodeCandidate.authenticatorApp(secret: secret, lastUsedStep: nil)
        let code = TOTP(hotp: app.hotp).code(at: now)
        let match = try #require(OneTimeCodeMatch.first(code, in: [app], at: now))
        #expect(match.index == 0)
        #expect(match.mark == .lastUsedStep(1))
        let used = try OneTimeCodeCandidate.authenticatorApp(secret: secret, lastUsedStep: 1)
        #expect(OneTimeCodeMatch.first(code, in: [used], at: now) == nil)
    }

    @Test("a code from one step either side matches; two steps away does not")
    func window() throws {
        let app = try OneTimeCodeCandidate.authenticatorApp(secret: secret, lastUsedStep: nil)
        let totp = TOTP(hotp: app.hotp)
        let at = Date(timeIntervalSince1970: 300)
        #expect(OneTimeCodeMatch.first(totp.code(step: 9), in: [app], at: at)?.mark == .lastUsedStep(9))
        #expect(OneTimeCodeMatch.first(totp.code(step: 11), in: [app], at: at)?.mark == .lastUsedStep(11))
        #expect(OneTimeCodeMatch.first(totp.code(step: 12), in: [app], at: at) == nil)
    }

    @Test("a counter token matches within its look-ahead and moves its counter past the code")
    func hotpLookAhead() throws {
        let token = OneTimeCodeCandidate(hotp: try HOTP(secret: secret), sequence: .hotp(nextCounter: 3))
        // RFC 4226's test vectors: counter 5 is 254676, counter 2 is 359152.
        #expect(OneTimeCodeMatch.first("254676", in: [token], at: now)?.mark == .nextCounter(6))
        #expect(OneTimeCodeMatch.first("359152", in: [token], at: now) == nil)
        let far = OneTimeCodeCandidate(hotp: try HOTP(secret: secret), sequence: .hotp(nextCounter: UInt64.max - 2))
        #expect(OneTimeCodeMatch.first("000000", in: [far], at: now) == nil)
    }

    @Test("the first candidate that matches wins, so an app is tried before a token")
    func firstWins() throws {
        let app = try OneTimeCodeCandidate.authenticatorApp(secret: secret, lastUsedStep: nil)
        let token = OneTimeCodeCandidate(hotp: try HOTP(secret: secret), sequence: .totp(period: 30, lastUsedStep: nil))
        let code = TOTP(hotp: app.hotp).code(at: now)
        #expect(OneTimeCodeMatch.first(code, in: [app, token], at: now)?.index == 0)
        #expect(OneTimeCodeMatch.first(code, in: [token, app], at: now)?.index == 0)
        let other = try OneTimeCodeCandidate.authenticatorApp(
            secret: Array("another secret value!".utf8), lastUsedStep: nil)
        #expect(OneTimeCodeMatch.first(code, in: [other, token], at: now)?.index == 1)
    }
}
