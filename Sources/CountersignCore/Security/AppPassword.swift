import Crypto
import CryptoExtras
import Foundation

/// App passwords: long random passwords for clients that cannot ask for a second factor.
///
/// They are typed by people, so they are stored as a slow salted hash (PBKDF2-HMAC-SHA256), never
/// as a fast one: a stolen database must not give them up to a GPU.
public enum AppPassword {
    /// No 0/o, 1/l/i: easy to read aloud and type. 31 symbols, almost 5 bits each.
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789".utf8)
    static let length = 16
    /// OWASP's figure for PBKDF2-HMAC-SHA256, and the minimum swift-crypto's checked API accepts.
    public static let rounds = 210_000
    static let scheme = "pbkdf2-sha256"

    /// A new password of 79 random bits, shown as four groups of four: `abcd-efgh-jkmn-pqrs`.
    public static func generate() -> String {
        // Bytes at or above the last whole multiple of the alphabet are skipped, so no symbol is likelier.
        let limit = UInt8(256 - 256 % alphabet.count)
        var symbols: [UInt8] = []
        while symbols.count < length {
            for byte in SecureRandom.bytes(length) where byte < limit && symbols.count < length {
                symbols.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return stride(from: 0, to: length, by: 4).map { String(decoding: symbols[$0..<($0 + 4)], as: UTF8.self) }
            .joined(separator: "-")
    }

    /// What is compared: lower case, without the dashes and spaces people may type.
    public static func normalized(_ typed: String) -> String {
        String(typed.lowercased().filter { $0 != "-" && $0 != " " })
    }

    /// Whether the text could be an app password at all (checked before any hashing).
    public static func isWellFormed(_ typed: String) -> Bool {
        let normalized = normalized(typed)
        return normalized.utf8.count == length && normalized.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// `pbkdf2-sha256$ROUNDS$SALT$HASH`, salt and hash in Base64.
    public static func hash(_ password: String) throws -> String {
        let salt = SecureRandom.bytes(16)
        let derived = try derive(normalized(password), salt: salt, rounds: rounds)
        return [scheme, String(rounds), Data(salt).base64EncodedString(), Data(derived).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `password` hashes to `stored`, compared in constant time.
    public static func matches(_ password: String, stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == scheme, let rounds = Int(parts[1]), rounds >= 100_000,
            let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
            let derived = try? derive(normalized(password), salt: Array(salt), rounds: rounds)
        else { return false }
        return ConstantTime.equals(derived, Array(expected))
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }
}
