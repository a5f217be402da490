import CountersignCore
import Crypto
import Foundation
import Testing

@Suite("Secrets at rest and comparisons")
struct SecurityTests {
    let box = try! SecretBox(masterKey: SecretBox.generateMasterKey())

    @Test("a sealed secret opens with the same key and purpose, and hides the plaintext")
    func sealOpen() throws {
        let secret = Data("an oath secret".utf8)
        let sealed = try box.seal(secret, purpose: "device-oath-secret:1")
        #expect(sealed.range(of: secret) == nil)
        #expect(try box.open(sealed, purpose: "device-oath-secret:1") == secret)
    }

    @Test("a sealed secret does not open for another purpose, another key, or after tampering")
    func sealRefusals() throws {
        let sealed = try box.seal(Data("secret".utf8), purpose: "a")
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(sealed, purpose: "b") }
        let otherBox = try SecretBox(masterKey: SecretBox.generateMasterKey())
        #expect(throws: SecretBox.Failure.cannotOpen) { try otherBox.open(sealed, purpose: "a") }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 0x01
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(tampered, purpose: "a") }
        #expect(throws: SecretBox.Failure.wrongKeyLength(16)) {
            try SecretBox(masterKey: [UInt8](repeating: 0, count: 16))
        }
    }

    @Test("constant-time equality agrees with ==")
    func constantTime() {
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abcd".utf8)))
    }

    @Test("secret hashes match only their secret")
    func secretHash() {
        let hash = SecretHash.sha256Hex("code")
        #expect(hash.count == 64)
        #expect(SecretHash.matches("code", expectedHex: hash))
        #expect(!SecretHash.matches("Code", expectedHex: hash))
    }

    @Test("random tokens carry the requested entropy and differ")
    func randomTokens() {
        #expect(SecureRandom.bytes(20).count == 20)
        #expect(Base64URL.decode(SecureRandom.token(byteCount: 32))?.count == 32)
        #expect(SecureRandom.token() != SecureRandom.token())
    }
}

@Suite("Signed device requests")
struct DeviceRequestSignatureTests {
    let key = P256.Signing.PrivateKey()
    let body = Data(#"{"pushToken":"abc"}"#.utf8)

    @Test("a signature verifies for exactly what was signed")
    func verifies() throws {
        let signature = try DeviceRequestSignature.sign(
            method: "PUT", path: "/v1/devices/d/push-token", timestampMillis: 1000, body: body, with: key)
        func check(
            method: String = "PUT", path: String = "/v1/devices/d/push-token", time: Int64 = 1000, body: Data? = nil
        )
            -> Bool
        {
            DeviceRequestSignature.isValid(
                signature: signature, method: method, path: path, timestampMillis: time, body: body ?? self.body,
                publicKey: key.publicKey)
        }
        #expect(check())
        #expect(!check(method: "POST"))
        #expect(!check(path: "/v1/devices/e/push-token"))
        #expect(!check(time: 1001))
        #expect(!check(body: Data(#"{"pushToken":"abd"}"#.utf8)))
        #expect(
            !DeviceRequestSignature.isValid(
                signature: signature, method: "PUT", path: "/v1/devices/d/push-token", timestampMillis: 1000,
                body: body,
                publicKey: P256.Signing.PrivateKey().publicKey))
        #expect(
            !DeviceRequestSignature.isValid(
                signature: "not base64!", method: "PUT", path: "/", timestampMillis: 0, body: body,
                publicKey: key.publicKey))
    }

    @Test("timestamps more than five minutes from now are stale")
    func freshness() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(DeviceRequestSignature.isFresh(timestampMillis: 1_000_000_000 + 299_000, now: now))
        #expect(!DeviceRequestSignature.isFresh(timestampMillis: 1_000_000_000 - 301_000, now: now))
    }

    @Test("public keys round-trip through their text form")
    func publicKeys() {
        let text = PublicKeyEncoding.encode(key.publicKey)
        #expect(PublicKeyEncoding.decode(text)?.x963Representation == key.publicKey.x963Representation)
        #expect(PublicKeyEncoding.decode("AAAA") == nil)
    }
}
