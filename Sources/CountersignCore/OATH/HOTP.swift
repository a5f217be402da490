import Crypto

/// HMAC-based one-time passwords (RFC 4226).
public struct HOTP: Sendable {
    public enum ParameterError: Error, Equatable, CustomStringConvertible {
        case unsupportedDigits(Int)
        case emptySecret

        public var description: String {
            switch self {
            case .unsupportedDigits(let digits): "an OATH code has 6, 7 or 8 digits, not \(digits)"
            case .emptySecret: "an OATH secret cannot be empty"
            }
        }
    }

    public let algorithm: OATHAlgorithm
    public let digits: Int
    private let key: SymmetricKey

    public init(secret: some Collection<UInt8>, algorithm: OATHAlgorithm = .sha1, digits: Int = 6)
        throws(ParameterError)
    {
        guard (6...8).contains(digits) else { throw .unsupportedDigits(digits) }
        guard !secret.isEmpty else { throw .emptySecret }
        self.key = SymmetricKey(data: Array(secret))
        self.algorithm = algorithm
        self.digits = digits
    }

    /// The code for one counter value, zero-padded to `digits`.
    public func code(counter: UInt64) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac = algorithm.authenticationCode(key: key, message: message)
        // Dynamic truncation (RFC 4226 §5.3).
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let modulus = [1_000_000, 10_000_000, 100_000_000][digits - 6]
        let value = String(Int(binary) % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }
}
