import CountersignCore
import Crypto
import Foundation
import Testing

@Suite("Signed challenges")
struct ChallengeSignatureTests {
    let details = ChallengeDetails(
        transactionId: "tx-1", activationId: "act-1", user: "alice", application: "VPN", clientIP: "203.0.113.7",
        location: nil, createdAt: Date(timeIntervalSince1970: 1_800_000_000),
        deadline: Date(timeIntervalSince1970: 1_800_000_060))

    @Test("the activation's key verifies its challenge and gets the same details back")
    func roundTrip() throws {
        let key = P256.Signing.PrivateKey()
        let signed = try SignedChallenge.sign(details, with: key)
        #expect(signed.verified(with: key.publicKey) == details)
    }

    @Test("another key, altered details or an altered signature do not verify")
    func refusals() throws {
        let key = P256.Signing.PrivateKey()
        let signed = try SignedChallenge.sign(details, with: key)
        #expect(signed.verified(with: P256.Signing.PrivateKey().publicKey) == nil)

        var altered = details
        altered.application = "Payroll"
        var swapped = signed
        swapped.details = Base64URL.encode(try APIJSON.makeEncoder().encode(altered))
        #expect(swapped.verified(with: key.publicKey) == nil)

        var badSignature = signed
        badSignature.signature = Base64URL.encode([UInt8](repeating: 1, count: 64))
        #expect(badSignature.verified(with: key.publicKey) == nil)
        badSignature.signature = "not base64url!"
        #expect(badSignature.verified(with: key.publicKey) == nil)
    }

    @Test("a signature over the same bytes for another purpose is not a challenge signature")
    func domainSeparation() throws {
        let key = P256.Signing.PrivateKey()
        let bytes = try APIJSON.makeEncoder().encode(details)
        let plain = try key.signature(for: bytes)
        let signed = SignedChallenge(
            details: Base64URL.encode(bytes), signature: Base64URL.encode(plain.rawRepresentation))
        #expect(signed.verified(with: key.publicKey) == nil)
    }
}
