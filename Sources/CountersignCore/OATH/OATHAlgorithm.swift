/// The HMAC hash an OATH token uses (RFC 4226 allows SHA-1; RFC 6238 adds SHA-256 and SHA-512).
public enum OATHAlgorithm: String, Codable, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    /// Accepts the spellings found in otpauth URIs, token CSVs and PSKC files.
    public init?(name: String) {
        let normalized = name.uppercased().replacingOccurrences(of: "-", with: "")
        switch normalized {
        case "SHA1", "HMACSHA1": self = .sha1
        case "SHA256", "HMACSHA256": self = .sha256
        case "SHA512", "HMACSHA512": self = .sha512
        default: return nil
        }
    }
}
