import CountersignCore
import CountersignPhoneKit
import Crypto
import Foundation
import Testing

/// What the simulated app accepts as a sign-in request, and what it shows as not for an activated account.
@Suite("The phone's check of a challenge")
struct PhoneChallengeTests {
    let serverKey = P256.Signing.PrivateKey()

    func account(activationId: String = "act-1") -> PhoneAccount {
        PhoneAccount(
            server: URL(string: "http://127.0.0.1:8180")!, user: "alice", deviceId: "dev-1", activationId: activationId,
            serverPublicKey: PublicKeyEncoding.encode(serverKey.publicKey),
            oath: OATHParameters(secret: Base32.encode(SecureRandom.bytes(20))), platform: .pollOnly, pushToken: nil,
            privateKey: Base64URL.encode(P256.Signing.PrivateKey().rawRepresentation), pairedAt: Date())
    }

    func details(activationId: String = "act-1", user: String = "alice") -> ChallengeDetails {
        ChallengeDetails(
            transactionId: "tx-1", activationId: activationId, user: user, application: "VPN", clientIP: nil,
            // Whole seconds: the signed details carry ISO 8601 times.
            location: nil, createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            deadline: Date(timeIntervalSince1970: 1_800_000_060))
    }

    @Test("a challenge signed by the pinned key for this activation is genuine")
    func genuine() throws {
        let signed = try SignedChallenge.sign(details(), with: serverKey)
        #expect(account().inspect(signed) == .genuine(details()))
    }

    @Test("another activation's key, another activation id or another user is not for this account")
    func notForThisAccount() throws {
        let otherKey = try SignedChallenge.sign(details(), with: P256.Signing.PrivateKey())
        #expect(account().inspect(otherKey) == .notForThisAccount(transactionId: nil))
        // Signed by the same key but naming another activation: a re-activated server reusing nothing.
        let otherActivation = try SignedChallenge.sign(details(activationId: "act-2"), with: serverKey)
        #expect(account().inspect(otherActivation) == .notForThisAccount(transactionId: "tx-1"))
        let otherUser = try SignedChallenge.sign(details(user: "bob"), with: serverKey)
        #expect(account().inspect(otherUser) == .notForThisAccount(transactionId: "tx-1"))
    }

    @Test("the push payload is read from APNs and FCM shapes, and names its activation")
    func pushPayload() throws {
        let apns =
            #"{"aps":{"alert":"x"},"countersign":{"kind":"challenge","transactionId":"tx-9","activationId":"act-1"}}"#
        let fcm = #"{"countersign":"{\"kind\":\"challenge\",\"transactionId\":\"tx-9\",\"activationId\":\"act-2\"}"}"#
        let fromAPNs = try #require(ChallengePushData(notificationPayload: apns))
        let fromFCM = try #require(ChallengePushData(notificationPayload: fcm))
        #expect(fromAPNs.transactionId == "tx-9")
        #expect(account().owns(fromAPNs))
        #expect(!account().owns(fromFCM))
        #expect(ChallengePushData(notificationPayload: #"{"countersign":{"kind":"test"}}"#) == nil)
        #expect(ChallengePushData(notificationPayload: "not json") == nil)
    }
}
