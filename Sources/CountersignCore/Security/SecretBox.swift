import Crypto
import Foundation

/// Encrypts secrets at rest with AES-256-GCM under the server's master key.
///
/// Every sealed value names what it is for (`purpose`, bound as associated data), so a ciphertext
/// copied from one row or column into another fails to open instead of yielding a valid secret.
public struct SecretBox: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case wrongKeyLength(Int)
        case cannotOpen

        public var description: String {
            switch self {
            case .wrongKeyLength(let length): "the master key must be 32 bytes, not \(length)"
            case .cannotOpen: "a stored secret could not be decrypted: wrong master key, or the data was altered"
            }
        }
    }

    private static let version: UInt8 = 1
    private let key: SymmetricKey
    /// A separate key for keyed hashes, derived so that the encryption key is never used for MACs.
    private let hashKey: SymmetricKey

    public init(masterKey: some Collection<UInt8>) throws(Failure) {
        guard masterKey.count == 32 else { throw .wrongKeyLength(masterKey.count) }
        self.key = SymmetricKey(data: Array(masterKey))
        self.hashKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Array("countersign keyed hash v1".utf8), outputByteCount: 32)
    }

    /// HMAC-SHA256 of a short secret (an SMS code) under a key only this server holds, in hex: a
    /// stolen database alone cannot brute-force the million possible codes.
    public func keyedHash(_ secret: String, purpose: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array((purpose + "\n" + secret).utf8), using: hashKey))
    }

    public static func generateMasterKey() -> [UInt8] {
        SecureRandom.bytes(32)
    }

    /// version byte ‖ nonce ‖ ciphertext ‖ tag
    public func seal(_ plaintext: some DataProtocol, purpose: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(purpose.utf8))
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return Data([Self.version]) + combined
    }

    public func open(_ sealed: Data, purpose: String) throws(Failure) -> Data {
        guard sealed.first == Self.version else { throw .cannotOpen }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Array(purpose.utf8))
        } catch {
            throw .cannotOpen
        }
    }
}
