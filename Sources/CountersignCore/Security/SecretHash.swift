import Crypto

/// SHA-256 of a high-entropy secret (activation codes, API tokens), stored instead of the secret.
///
/// Plain SHA-256 is right for these because the secrets carry at least 128 random bits; low-entropy
/// secrets such as app passwords need a slow, salted hash instead.
public enum SecretHash {
    public static func sha256Hex(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Whether `secret` hashes to `expectedHex`, compared in constant time.
    public static func matches(_ secret: String, expectedHex: String) -> Bool {
        ConstantTime.equals(Array(sha256Hex(secret).utf8), Array(expectedHex.utf8))
    }
}
