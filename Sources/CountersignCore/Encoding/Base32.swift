/// RFC 4648 Base32, the alphabet authenticator apps and token vendors use for OATH secrets.
public enum Base32 {
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case invalidCharacter(Character)
        case invalidLength

        public var description: String {
            switch self {
            case .invalidCharacter(let character): "'\(character)' is not a Base32 character (A-Z, 2-7)"
            case .invalidLength: "Base32 text has an impossible length"
            }
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes without padding, as otpauth URIs expect.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        var buffer: UInt64 = 0
        var bitCount = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt64(byte)
            bitCount += 8
            while bitCount >= 5 {
                bitCount -= 5
                output.append(alphabet[Int((buffer >> UInt64(bitCount)) & 0x1F)])
            }
        }
        if bitCount > 0 {
            output.append(alphabet[Int((buffer << UInt64(5 - bitCount)) & 0x1F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes leniently in the ways people type secrets (lower case, spaces, dashes, padding),
    /// strictly in everything else.
    public static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt64 = 0
        var bitCount = 0
        var symbols = 0
        for character in text {
            if character == " " || character == "-" || character == "=" { continue }
            guard let value = value(of: character) else { throw .invalidCharacter(character) }
            buffer = (buffer << 5) | UInt64(value)
            bitCount += 5
            symbols += 1
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8((buffer >> UInt64(bitCount)) & 0xFF))
            }
        }
        // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
        if [1, 3, 6].contains(symbols % 8) { throw .invalidLength }
        return output
    }

    private static func value(of character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return ascii - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return ascii - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return ascii - UInt8(ascii: "2") + 26
        default: return nil
        }
    }
}
