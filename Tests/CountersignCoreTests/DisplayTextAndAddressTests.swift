import CountersignCore
import Testing

@Suite("What a phone shows and where a sign-in comes from")
struct DisplayTextAndAddressTests {
    @Test("text with bidirectional overrides, zero-width or other invisible characters is refused, saying which")
    func invisibleCharacters() {
        for scalar in ["\u{202E}", "\u{202A}", "\u{2066}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{2028}"] {
            #expect(throws: Validation.Failure.self) { try Validation.displayText("Pay\(scalar)roll", field: "app") }
        }
        let error = #expect(throws: Validation.Failure.self) { try Validation.displayText("a\u{202E}b", field: "app") }
        #expect(error?.message.contains("U+202E") == true)
        #expect((try? Validation.displayText("Zürich VPN – Büro", field: "app")) == "Zürich VPN – Büro")
    }

    @Test("client addresses are IPv4 or IPv6 as the C library reads them, nothing that merely looks alike")
    func addresses() {
        for good in ["203.0.113.7", "0.0.0.0", "2001:db8::1", "::1", "::ffff:192.0.2.1", "fe80::1:2:3:4"] {
            #expect((try? Validation.ipAddress(good, field: "ip")) == good, "\(good)")
        }
        for bad in ["1.2.3.4.5", "256.1.1.1", ":::", "1.2.3", "127.1", "2001:db8:::1", "abc", "1.2.3.4 ", ""] {
            #expect(throws: Validation.Failure.self, "\(bad)") { try Validation.ipAddress(bad, field: "ip") }
        }
    }
}
