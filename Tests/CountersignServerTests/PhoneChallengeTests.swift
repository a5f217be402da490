import CountersignCore
import CountersignPhoneKit
import Crypto
import Foundation
import Testing

/// What the simulated app accepts as a sign-in request, and what it shows as not for an activated account.
@Suite("The phone's check of a challenge")
struct PhoneChallengeTests {
    let serverKey = P256.Signing.PrivateKey()

    let pushKey = SealedPushChallenge.makeKey()

    func account(activationId: String = "act-1", deviceId: String = "dev-1") -> PhoneAccount {
        PhoneAccount(
            server: URL(string: "http://127.0.0.1:8180")!, user: "alice", deviceId: deviceId,
            activationId: activationId,
            serverPublicKey: PublicKeyEncoding.encode(serverKey.publicKey),
            oath: OATHParameters(secret: Base32.encode(SecureRandom.bytes(20))), platform: .apns, pushToken: "tok",
            privateKey: Base64URL.encode(P256.Signing.PrivateKey().rawRepresentation),
            pushKey: Base64URL.encode(pushKey), pairedAt: Date())
    }

    func push(_ signed: SignedChallenge, deviceId: String = "dev-1", transactionId: String = "tx-1") throws
        -> ChallengePushData
    {
        ChallengePushData(
            transactionId: transactionId, activationId: "act-1",
            sealedChallenge: try SealedPushChallenge.seal(
                signed, key: pushKey, deviceId: deviceId, transactionId: transactionId))
    }

    @Test("a challenge sealed in a push opens only for its phone and transaction, and is checked like a fetched one")
    func sealedInPush() throws {
        let signed = try SignedChallenge.sign(details(), with: serverKey)
        #expect(account().openSealedChallenge(in: try push(signed)) == .genuine(details()))

        // Sealed for another phone, or moved into another transaction's push: it does not open.
        #expect(account().openSealedChallenge(in: try push(signed, deviceId: "dev-2")) == nil)
        var moved = try push(signed)
        moved.transactionId = "tx-2"
        #expect(account().openSealedChallenge(in: moved) == nil)
        // One altered character anywhere fails the seal.
        var altered = try push(signed)
        var text = Array(try #require(altered.sealedChallenge))
        text[text.count / 2] = text[text.count / 2] == "A" ? "B" : "A"
        altered.sealedChallenge = String(text)
        #expect(account().openSealedChallenge(in: altered) == nil)

        // Opened with the right key but signed by another: not shown as a sign-in.
        let forged = try SignedChallenge.sign(details(), with: P256.Signing.PrivateKey())
        #expect(account().openSealedChallenge(in: try push(forged)) == .notForThisAccount(transactionId: nil))
        // Signed and sealed properly, but for another transaction than the push announces.
        let other = try SignedChallenge.sign(details(transactionId: "tx-9"), with: serverKey)
        #expect(account().openSealedChallenge(in: try push(other)) == .notForThisAccount(transactionId: "tx-1"))
        // Too long to be one this server made: refused before decoding.
        var huge = try push(signed)
        huge.sealedChallenge = String(repeating: "A", count: SealedPushChallenge.maxSealedLength + 1)
        #expect(account().openSealedChallenge(in: huge) == nil)
    }

    func details(activationId: String = "act-1", user: String = "alice", transactionId: String = "tx-1")
        -> ChallengeDetails
    {
        ChallengeDetails(
            transactionId: transactionId, activationId: activationId, user: user, application: "VPN", clientIP: nil,
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
