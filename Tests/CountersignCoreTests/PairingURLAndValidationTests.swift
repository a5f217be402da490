import CountersignCore
import Foundation
import Testing

@Suite("Pairing URLs")
struct PairingURLTests {
    @Test("a pairing URL survives printing and parsing")
    func roundTrip() throws {
        let url = PairingURL(server: URL(string: "https://mfa.example.com:8443/base")!, code: "ABCDEF234567")
        let parsed = try PairingURL(parsing: url.text)
        #expect(parsed == url)
        #expect(url.text.hasPrefix("countersign://pair?server=https%3A%2F%2Fmfa"))
    }

    @Test(
        "malformed pairing URLs are refused with the reason",
        arguments: [
            (
                "https://example.com/pair?code=A",
                PairingURL.ParseError.notAPairingURL("https://example.com/pair?code=A")
            ),
            ("countersign://pair?code=A", .missingParameter("server")),
            ("countersign://pair?server=http%3A%2F%2Fh", .missingParameter("code")),
            ("countersign://pair?server=ftp%3A%2F%2Fh&code=A", .badServerURL("ftp://h")),
        ])
    func refusals(text: String, error: PairingURL.ParseError) {
        #expect(throws: error) { try PairingURL(parsing: text) }
    }
}

@Suite("Validation of what administrators type")
struct ValidationTests {
    @Test("E.164 numbers are accepted", arguments: ["+14155550100", "+48601234567", "+861012345678"])
    func goodPhones(number: String) throws {
        #expect(try Validation.phoneNumber(number) == number)
    }

    @Test(
        "non-E.164 numbers are refused",
        arguments: ["14155550100", "+0123456789", "+1 415 555 0100", "+1234", "+1234567890123456", "+1415555O100"])
    func badPhones(number: String) {
        #expect(throws: Validation.Failure.self) { try Validation.phoneNumber(number) }
    }

    @Test("names allow letters, digits and . _ - @ only")
    func names() throws {
        #expect(try Validation.name("alice.smith@corp", of: "user") == "alice.smith@corp")
        #expect(throws: Validation.Failure.self) { try Validation.name("", of: "user") }
        #expect(throws: Validation.Failure.self) { try Validation.name("a/b", of: "user") }
        #expect(throws: Validation.Failure.self) { try Validation.name("-a", of: "user") }
        #expect(throws: Validation.Failure.self) { try Validation.name(String(repeating: "a", count: 65), of: "user") }
    }

    @Test("countries and emails")
    func countriesAndEmails() throws {
        #expect(try Validation.countryCode("ca") == "CA")
        #expect(throws: Validation.Failure.self) { try Validation.countryCode("CAN") }
        #expect(try Validation.email("a@example.com") == "a@example.com")
        #expect(throws: Validation.Failure.self) { try Validation.email("a@b") }
        #expect(throws: Validation.Failure.self) { try Validation.email("a b@example.com") }
    }
}
