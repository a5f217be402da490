import CountersignClient
import CountersignCore
import Crypto
import Foundation

/// A sign-in request as the phone received it, after checking it against the pinned server key.
public enum ReceivedChallenge: Sendable, Equatable {
    /// Signed by this account's activation and naming it: safe to show.
    case genuine(ChallengeDetails)
    /// Not signed by the pinned key, or naming another activation: never shown as a sign-in.
    case notForThisAccount(transactionId: String?)
}

extension PhoneAccount {
    /// Checks the signature with the key pinned at pairing before reading a field, then that the
    /// challenge names this account's activation and user.
    public func inspect(_ challenge: SignedChallenge) -> ReceivedChallenge {
        guard let key = PublicKeyEncoding.decode(serverPublicKey), let details = challenge.verified(with: key) else {
            return .notForThisAccount(transactionId: nil)
        }
        guard details.activationId == activationId, details.user.lowercased() == user.lowercased() else {
            return .notForThisAccount(transactionId: details.transactionId)
        }
        return .genuine(details)
    }

    /// Whether a push names this account's activation; a push from an old activation is stale.
    public func owns(_ push: ChallengePushData) -> Bool { push.activationId == activationId }

    /// The challenge a push carries sealed for this account, checked like a fetched one; nil when
    /// the push carries none or it does not open with this account's push key (then fetch it).
    public func openSealedChallenge(in push: ChallengePushData) -> ReceivedChallenge? {
        guard let sealed = push.sealedChallenge, let pushKey, let key = Base64URL.decode(pushKey),
            let signed = SealedPushChallenge.open(
                sealed, key: key, deviceId: deviceId, transactionId: push.transactionId)
        else { return nil }
        let received = inspect(signed)
        // A challenge sealed into another transaction's push is not what this push announced.
        if case .genuine(let details) = received, details.transactionId != push.transactionId {
            return .notForThisAccount(transactionId: push.transactionId)
        }
        return received
    }
}

extension ChallengePushData {
    /// Reads the app data out of a delivered notification: an APNs payload carries it as an object
    /// under "countersign", an FCM data message as a JSON string under the same key.
    public init?(notificationPayload: String) {
        guard notificationPayload.utf8.count <= 8192,
            let object = try? JSONSerialization.jsonObject(with: Data(notificationPayload.utf8)) as? [String: Any],
            let appData = object["countersign"]
        else { return nil }
        let data: Data?
        switch appData {
        case let text as String: data = Data(text.utf8)
        case let nested as [String: Any]: data = try? JSONSerialization.data(withJSONObject: nested)
        default: data = nil
        }
        guard let data, let decoded = try? JSONDecoder().decode(ChallengePushData.self, from: data),
            decoded.kind == "challenge"
        else { return nil }
        self = decoded
    }
}

extension PhoneClient {
    /// The sign-ins waiting for this account (a signed, replay-protected poll), each checked.
    public func pendingChallenges(for account: PhoneAccount) async throws -> [ReceivedChallenge] {
        let client = JSONHTTPClient(baseURL: account.server, trust: trust)
        let (status, answer) = try await send(
            client, method: "GET", path: "/v1/devices/\(account.deviceId)/challenges", body: Data(),
            key: account.signingKey(), deviceId: account.deviceId)
        let body = try Self.checked(status: status, body: answer)
        let pending = try JSONHTTPClient.decode(PendingChallenges.self, status: status, body: body)
        return pending.challenges.map(account.inspect)
    }

    /// Sends the user's decision, signed.
    public func answer(
        _ transactionId: String, for account: PhoneAccount, decision: ChallengeDecision, number: Int?
    ) async throws -> ChallengeAnswerResult {
        let client = JSONHTTPClient(baseURL: account.server, trust: trust)
        let body = try client.encode(ChallengeAnswer(decision: decision, number: number)) ?? Data()
        let (status, answer) = try await send(
            client, method: "POST", path: "/v1/devices/\(account.deviceId)/challenges/\(transactionId)", body: body,
            key: account.signingKey(), deviceId: account.deviceId)
        return try JSONHTTPClient.decode(
            ChallengeAnswerResult.self, status: status, body: try Self.checked(status: status, body: answer))
    }
}
