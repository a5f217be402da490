import Crypto

/// Random values from the system's cryptographically secure generator.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        // SymmetricKey draws from the platform CSPRNG (getrandom on Linux).
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    /// A random base64url string carrying `byteCount` bytes of entropy.
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}
