import Crypto
import Foundation

/// A signed challenge sealed for one phone, so that its push can carry the whole challenge without
/// Apple or Google reading who is signing in, to what, or from where.
///
/// The key is the phone's push key: 32 random bytes the server made at pairing, gave the phone once
/// and keeps sealed at rest. It is used for nothing else. The seal binds the device and the
/// transaction, so a sealed challenge moved to another phone or another push does not open.
///
/// Sealing saves the push-woken phone its fetch (a signed request, a read and a write on the server).
/// What the phone opens is still the activation's signature over the challenge's exact bytes, which
/// it checks against the key pinned at pairing, exactly as for a fetched challenge.
public enum SealedPushChallenge {
    public static let keyByteCount = 32
    /// Longer text in a push is not a sealed challenge this server wrote: refused before decoding.
    public static let maxSealedLength = 3_000
    private static let signatureByteCount = 64
    private static let domain = "countersign-push-challenge-v1\n"

    public static func makeKey() -> [UInt8] { SecureRandom.bytes(keyByteCount) }

    /// base64url(AES-256-GCM(signature ‖ details)), or nil when the result would not fit a push.
    public static func seal(
        _ challenge: SignedChallenge, key: some ContiguousBytes, deviceId: String, transactionId: String
    ) throws -> String? {
        guard let details = Base64URL.decode(challenge.details), let signature = Base64URL.decode(challenge.signature),
            signature.count == signatureByteCount
        else { return nil }
        let box = try AES.GCM.seal(
            signature + details, using: SymmetricKey(data: key),
            authenticating: associatedData(deviceId: deviceId, transactionId: transactionId))
        guard let combined = box.combined else { return nil }
        let sealed = Base64URL.encode(combined)
        return sealed.utf8.count <= maxSealedLength ? sealed : nil
    }

    /// The signed challenge, if `sealed` was made with this key for this device and transaction.
    /// Its signature is not checked here: the caller checks it against the pinned activation key.
    public static func open(_ sealed: String, key: some ContiguousBytes, deviceId: String, transactionId: String)
        -> SignedChallenge?
    {
        guard sealed.utf8.count <= maxSealedLength, let combined = Base64URL.decode(sealed),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plain = try? AES.GCM.open(
                box, using: SymmetricKey(data: key),
                authenticating: associatedData(deviceId: deviceId, transactionId: transactionId)),
            plain.count > signatureByteCount
        else { return nil }
        return SignedChallenge(
            details: Base64URL.encode(plain.dropFirst(signatureByteCount)),
            signature: Base64URL.encode(plain.prefix(signatureByteCount)))
    }

    private static func associatedData(deviceId: String, transactionId: String) -> Data {
        Data((domain + deviceId + "\n" + transactionId).utf8)
    }
}
