/// One hardware OATH token as an import file describes it, before it is stored.
public struct TokenSeed: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Time-based (RFC 6238): the code changes every `period` seconds.
        case totp
        /// Counter-based (RFC 4226): the code changes each time the button is pressed.
        case hotp
    }

    /// The number printed on the token; unique across the server.
    public var serial: String
    public var secret: [UInt8]
    public var kind: Kind
    public var algorithm: OATHAlgorithm
    public var digits: Int
    /// Seconds per step, for TOTP tokens.
    public var period: Int
    /// The next counter value, for HOTP tokens.
    public var counter: UInt64

    public init(
        serial: String, secret: [UInt8], kind: Kind = .totp, algorithm: OATHAlgorithm = .sha1, digits: Int = 6,
        period: Int = 30, counter: UInt64 = 0
    ) {
        self.serial = serial
        self.secret = secret
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
        self.counter = counter
    }

    /// Checks what every import format must agree on; the message names the first problem.
    public func validated() throws(TokenSeedError) -> TokenSeed {
        guard Self.isValidSerial(serial) else { throw .badSerial(serial) }
        guard secret.count >= Self.minimumSecretBytes else { throw .secretTooShort(secret.count) }
        guard secret.count <= Self.maximumSecretBytes else { throw .secretTooLong(secret.count) }
        guard digits == 6 || digits == 8 else { throw .unsupportedDigits(digits) }
        if kind == .totp, period != 30, period != 60 { throw .unsupportedPeriod(period) }
        return self
    }

    /// 80 bits: what the shortest tokens in circulation carry (RFC 4226 asks for 128, recommends 160).
    public static let minimumSecretBytes = 10
    public static let maximumSecretBytes = 128

    /// Letters, digits, dot, dash and underscore, 1 to 64 characters.
    public static func isValidSerial(_ serial: String) -> Bool {
        (1...64).contains(serial.utf8.count)
            && serial.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x2D || byte == 0x5F
            }
    }
}

public enum TokenSeedError: Error, Equatable, CustomStringConvertible {
    case badSerial(String)
    case secretTooShort(Int)
    case secretTooLong(Int)
    case unsupportedDigits(Int)
    case unsupportedPeriod(Int)
    case badSecret(String)

    public var description: String {
        switch self {
        case .badSerial(let serial):
            "the serial number '\(serial.prefix(80))' is not 1 to 64 letters, digits, '.', '-' or '_'"
        case .secretTooShort(let count):
            "the secret is \(count) bytes; at least \(TokenSeed.minimumSecretBytes) are needed"
        case .secretTooLong(let count):
            "the secret is \(count) bytes; at most \(TokenSeed.maximumSecretBytes) are allowed"
        case .unsupportedDigits(let digits): "codes of \(digits) digits are not supported (6 or 8)"
        case .unsupportedPeriod(let period): "a time step of \(period) s is not supported (30 or 60)"
        case .badSecret(let serial): "the secret of token '\(serial.prefix(64))' is not valid Base32"
        }
    }
}
