import CountersignCore
import Foundation
import Testing

/// RFC 4226 Appendix D and RFC 6238 Appendix B, from ../shared/reference/otp-vectors.md.
@Suite("OATH test vectors")
struct OATHVectorTests {
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    @Test(
        "RFC 4226 HOTP values",
        arguments: zip(
            0..<10,
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]))
    func hotp(counter: Int, expected: String) throws {
        let hotp = try HOTP(secret: Self.sha1Seed)
        #expect(hotp.code(counter: UInt64(counter)) == expected)
    }

    @Test("HOTP with 7 and 8 digits")
    func longerCodes() throws {
        #expect(try HOTP(secret: Self.sha1Seed, digits: 7).code(counter: 1) == "4287082")
        #expect(try HOTP(secret: Self.sha1Seed, digits: 8).code(counter: 2) == "37359152")
    }

    static let totpTable: [(Int64, String, OATHAlgorithm)] = [
        (59, "94287082", .sha1), (59, "46119246", .sha256), (59, "90693936", .sha512),
        (1_111_111_109, "07081804", .sha1), (1_111_111_109, "68084774", .sha256), (1_111_111_109, "25091201", .sha512),
        (1_111_111_111, "14050471", .sha1), (1_111_111_111, "67062674", .sha256), (1_111_111_111, "99943326", .sha512),
        (1_234_567_890, "89005924", .sha1), (1_234_567_890, "91819424", .sha256), (1_234_567_890, "93441116", .sha512),
        (2_000_000_000, "69279037", .sha1), (2_000_000_000, "90698825", .sha256), (2_000_000_000, "38618901", .sha512),
        (20_000_000_000, "65353130", .sha1), (20_000_000_000, "77737706", .sha256),
        (20_000_000_000, "47863826", .sha512),
    ]

    @Test("RFC 6238 TOTP values", arguments: totpTable)
    func totp(time: Int64, expected: String, algorithm: OATHAlgorithm) throws {
        let seed =
            switch algorithm {
            case .sha1: Self.sha1Seed
            case .sha256: Self.sha256Seed
            case .sha512: Self.sha512Seed
            }
        let totp = TOTP(hotp: try HOTP(secret: seed, algorithm: algorithm, digits: 8))
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == expected)
    }

    @Test("a 30-second step beyond 32 bits is computed as a 64-bit counter")
    func largeCounter() throws {
        let totp = TOTP(hotp: try HOTP(secret: Self.sha1Seed, digits: 8))
        #expect(totp.step(at: 20_000_000_000) == 0x27BC_86AA)
    }

    @Test("the Base32 form of the seed gives the same codes")
    func base32Seed() throws {
        let parameters = OATHParameters(secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", digits: 6)
        #expect(try parameters.makeTOTP().code(at: Date(timeIntervalSince1970: 59)) == "287082")
    }

    @Test("digits outside 6...8 and empty secrets are refused")
    func badParameters() {
        #expect(throws: HOTP.ParameterError.unsupportedDigits(5)) { try HOTP(secret: Self.sha1Seed, digits: 5) }
        #expect(throws: HOTP.ParameterError.emptySecret) { try HOTP(secret: [UInt8]()) }
    }
}

@Suite("TOTP verification window and replay")
struct TOTPVerificationTests {
    // privacyIDEA's fixed values: RFC SHA-1 key, 30 s, 6 digits, step = unix time / 30.
    let totp = TOTP(hotp: try! HOTP(secret: Array("12345678901234567890".utf8)))
    let now = Date(timeIntervalSince1970: 47_251_645 * 30)

    @Test("codes one step either side match; two steps away do not")
    func window() {
        #expect(totp.matchingStep(for: "063321", at: now) == 47_251_645)
        #expect(totp.matchingStep(for: "942826", at: now) == 47_251_644)
        #expect(totp.matchingStep(for: "306773", at: now) == 47_251_646)
        #expect(totp.matchingStep(for: "722053", at: now) == nil)
        #expect(totp.matchingStep(for: "722053", at: now, window: 2) == 47_251_647)
    }

    @Test("a code at or before the last used step is a replay")
    func replay() {
        #expect(totp.matchingStep(for: "063321", at: now, lastUsedStep: 47_251_645) == nil)
        #expect(totp.matchingStep(for: "942826", at: now, lastUsedStep: 47_251_645) == nil)
        #expect(totp.matchingStep(for: "306773", at: now, lastUsedStep: 47_251_645) == 47_251_646)
    }

    @Test("codes of the wrong length are refused", arguments: ["06332", "0633210", ""])
    func wrongLength(code: String) {
        #expect(totp.matchingStep(for: code, at: now) == nil)
    }

    @Test("seconds remaining counts down within a step")
    func remaining() {
        #expect(totp.secondsRemaining(at: Date(timeIntervalSince1970: 60)) == 30)
        #expect(totp.secondsRemaining(at: Date(timeIntervalSince1970: 89)) == 1)
    }
}
