import Crypto
import Foundation

/// How a phone signs each request to the device API, and how the server checks it.
///
/// The phone signs, with its P-256 key, a canonical text naming the method, the path, a timestamp in
/// milliseconds and the SHA-256 of the exact body bytes. The server verifies that signature before it
/// trusts anything in the body, then checks that the timestamp is recent and newer than the last one
/// it accepted from that device, which makes a captured request useless a second time.
public enum DeviceRequestSignature {
    public static let deviceHeader = "Countersign-Device"
    public static let timestampHeader = "Countersign-Timestamp"
    public static let signatureHeader = "Countersign-Signature"
    /// How far a request's timestamp may be from the server's clock.
    public static let allowedClockSkew: TimeInterval = 300

    public static func canonicalText(method: String, path: String, timestampMillis: Int64, body: some DataProtocol)
        -> Data
    {
        let bodyDigest = Base64URL.encode(Array(SHA256.hash(data: Data(body))))
        return Data("countersign-request-v1\n\(method.uppercased())\n\(path)\n\(timestampMillis)\n\(bodyDigest)".utf8)
    }

    public static func sign(
        method: String, path: String, timestampMillis: Int64, body: some DataProtocol, with key: P256.Signing.PrivateKey
    ) throws -> String {
        let text = canonicalText(method: method, path: path, timestampMillis: timestampMillis, body: body)
        return Base64URL.encode(try key.signature(for: text).rawRepresentation)
    }

    public static func isValid(
        signature: String, method: String, path: String, timestampMillis: Int64, body: some DataProtocol,
        publicKey: P256.Signing.PublicKey
    ) -> Bool {
        guard let raw = Base64URL.decode(signature),
            let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: raw)
        else { return false }
        let text = canonicalText(method: method, path: path, timestampMillis: timestampMillis, body: body)
        return publicKey.isValidSignature(parsed, for: text)
    }

    public static func isFresh(timestampMillis: Int64, now: Date) -> Bool {
        let sent = TimeInterval(timestampMillis) / 1000
        return abs(now.timeIntervalSince1970 - sent) <= allowedClockSkew
    }
}

/// P-256 public keys travel as base64url of their uncompressed X9.63 form.
public enum PublicKeyEncoding {
    public static func encode(_ key: P256.Signing.PublicKey) -> String {
        Base64URL.encode(key.x963Representation)
    }

    public static func decode(_ text: String) -> P256.Signing.PublicKey? {
        guard let data = Base64URL.decode(text) else { return nil }
        return try? P256.Signing.PublicKey(x963Representation: data)
    }
}
