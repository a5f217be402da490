import CountersignCore
import Foundation
import Testing

@Suite("Base32, base64url and hex")
struct EncodingTests {
    @Test("Base32 round-trips every length")
    func base32RoundTrip() throws {
        for length in 0...41 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test("Base32 matches RFC 4648 and reads the way people type")
    func base32Known() throws {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(try Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
    }

    @Test("Base32 refuses characters outside its alphabet and impossible lengths")
    func base32Refusals() {
        #expect(throws: Base32.DecodingError.invalidCharacter("1")) { try Base32.decode("MZXW1") }
        #expect(throws: Base32.DecodingError.invalidLength) { try Base32.decode("MZX") }
    }

    @Test("base64url has no padding or URL-unsafe characters and decodes back")
    func base64url() {
        let bytes = Data([0xFB, 0xFF, 0xBF, 0x00, 0x01])
        let text = Base64URL.encode(bytes)
        #expect(!text.contains(where: { "+/=".contains($0) }))
        #expect(Base64URL.decode(text) == bytes)
        #expect(Base64URL.decode("a") == nil)
        // RFC 4648 §10 vectors, without padding, and the two characters base64url swaps.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Data(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Data(plain.utf8))
        }
        #expect(Base64URL.encode(Data([0xFB, 0xEF])) == "--8")
        #expect(Base64URL.encode(Data([0xFF, 0xFF])) == "__8")
        #expect(Base64URL.decode("--8") == Data([0xFB, 0xEF]))
        #expect(Base64URL.decode("+/8=") == Data([0xFB, 0xFF]))  // plain base64 is read too
        #expect(Base64URL.decode("Zm9v!") == nil)
        for length in 0..<40 {
            let random = Data((0..<length).map { _ in UInt8.random(in: 0...255) })
            #expect(Base64URL.decode(Base64URL.encode(random)) == random)
        }
    }

    @Test("hex round-trips and refuses bad input")
    func hex() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
