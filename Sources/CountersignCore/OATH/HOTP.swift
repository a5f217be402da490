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
        let value = String(values(counters: CollectionOfOne(counter))[0])
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The codes for several counters as numbers, sharing one keyed HMAC state: the key schedule is
    /// done once rather than once per counter, which is most of the cost of a window check.
    public func values(counters: some Collection<UInt64>) -> [UInt32] {
        switch algorithm {
        case .sha1: Self.values(HMAC<Insecure.SHA1>(key: key), counters: counters, modulus: modulus)
        case .sha256: Self.values(HMAC<SHA256>(key: key), counters: counters, modulus: modulus)
        case .sha512: Self.values(HMAC<SHA512>(key: key), counters: counters, modulus: modulus)
        }
    }

    /// The first of `counters` whose code is `candidate`, or nil (also for a candidate that is not
    /// `digits` decimal digits). Every counter is computed and compared, without branching on the
    /// digits, so that timing reveals neither which counter matched nor how close a wrong code was.
    public func firstMatch(_ candidate: String, counters: [UInt64]) -> UInt64? {
        guard let wanted = parse(candidate) else { return nil }
        var found: UInt64?
        for (counter, value) in zip(counters, values(counters: counters)) where (value ^ wanted) == 0 && found == nil {
            found = counter
        }
        return found
    }

    /// 10^digits, by which the truncated value is reduced.
    var modulus: UInt32 { [1_000_000, 10_000_000, 100_000_000][digits - 6] }

    /// The digits of `candidate` as a number, or nil when it is not exactly `digits` decimal digits.
    public func parse(_ candidate: String) -> UInt32? {
        guard candidate.utf8.count == digits else { return nil }
        var value: UInt32 = 0
        for byte in candidate.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + UInt32(byte - 0x30)
        }
        return value
    }

    private static func values<H: HashFunction>(
        _ keyed: HMAC<H>, counters: some Collection<UInt64>, modulus: UInt32
    ) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(counters.count)
        for counter in counters {
            var mac = keyed
            withUnsafeBytes(of: counter.bigEndian) { mac.update(data: $0) }
            let binary = mac.finalize().withUnsafeBytes { tag -> UInt32 in
                // Dynamic truncation (RFC 4226 §5.3).
                let offset = Int(tag[tag.count - 1] & 0x0F)
                return (UInt32(tag[offset] & 0x7F) << 24) | (UInt32(tag[offset + 1]) << 16)
                    | (UInt32(tag[offset + 2]) << 8) | UInt32(tag[offset + 3])
            }
            result.append(binary % modulus)
        }
        return result
    }
}
