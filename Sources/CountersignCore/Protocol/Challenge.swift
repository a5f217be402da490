import Crypto
import Foundation

/// What the phone shows for a sign-in. It never holds the number to match: the user reads that off
/// the sign-in screen and types it.
public struct ChallengeDetails: Codable, Sendable, Equatable {
    public var transactionId: String
    /// The activation that issued it; a phone trusts only its own.
    public var activationId: String
    public var user: String
    public var application: String?
    public var clientIP: String?
    public var location: String?
    public var createdAt: Date
    public var deadline: Date
    /// False when the application cannot show a number (a VPN asking over RADIUS in push mode): the
    /// phone approves without one. Absent means a number is asked, as for every sign-in before.
    public var asksForNumber: Bool?

    public init(
        transactionId: String, activationId: String, user: String, application: String?, clientIP: String?,
        location: String?, createdAt: Date, deadline: Date, asksForNumber: Bool? = nil
    ) {
        self.asksForNumber = asksForNumber
        self.transactionId = transactionId
        self.activationId = activationId
        self.user = user
        self.application = application
        self.clientIP = clientIP
        self.location = location
        self.createdAt = createdAt
        self.deadline = deadline
    }
}

/// A challenge as the server sends it: the exact JSON bytes of its details and the activation key's
/// ES256 signature over them. The phone checks the signature with the key it pinned at pairing
/// before it reads a single field.
public struct SignedChallenge: Codable, Sendable, Equatable {
    /// base64url of the details' JSON bytes.
    public var details: String
    /// base64url of the raw P-256 ECDSA signature.
    public var signature: String

    static let domain = Data("countersign-challenge-v1\n".utf8)

    public init(details: String, signature: String) {
        self.details = details
        self.signature = signature
    }

    public static func sign(_ details: ChallengeDetails, with key: P256.Signing.PrivateKey) throws -> SignedChallenge {
        let bytes = try APIJSON.makeEncoder().encode(details)
        let signature = try key.signature(for: domain + bytes)
        return SignedChallenge(
            details: Base64URL.encode(bytes), signature: Base64URL.encode(signature.rawRepresentation))
    }

    /// The details, if and only if `key` signed them.
    public func verified(with key: P256.Signing.PublicKey) -> ChallengeDetails? {
        guard details.utf8.count <= 8192, let bytes = Base64URL.decode(details), let raw = Base64URL.decode(signature),
            let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: raw),
            key.isValidSignature(parsed, for: Self.domain + bytes)
        else { return nil }
        return try? APIJSON.makeDecoder().decode(ChallengeDetails.self, from: bytes)
    }
}

/// `GET /v1/devices/{id}/challenges`: the sign-ins waiting for this phone, signed by its activation.
public struct PendingChallenges: Codable, Sendable {
    public var challenges: [SignedChallenge]
    public init(challenges: [SignedChallenge]) { self.challenges = challenges }
}

/// What the phone's user chose.
public enum ChallengeDecision: String, Codable, Sendable, CaseIterable {
    case approve
    case deny
    /// "I did not try to sign in": denies and blocks push for the user for a while.
    case fraud
}

/// `POST /v1/devices/{id}/challenges/{txid}`, signed by the phone.
public struct ChallengeAnswer: Codable, Sendable {
    public var decision: ChallengeDecision
    /// The number the user typed; required to approve unless the challenge asks for none.
    public var number: Int?

    public init(decision: ChallengeDecision, number: Int?) {
        self.decision = decision
        self.number = number
    }
}

public struct ChallengeAnswerResult: Codable, Sendable {
    public var transactionId: String
    public var state: AuthState
    public var reason: String?

    public init(transactionId: String, state: AuthState, reason: String?) {
        self.transactionId = transactionId
        self.state = state
        self.reason = reason
    }
}

/// The app data a challenge's push carries: the ids the phone needs to fetch the challenge, and,
/// for a phone paired with a push key, the challenge itself sealed for that phone alone
/// (`SealedPushChallenge`). Nothing in it is readable by the push service.
public struct ChallengePushData: Codable, Sendable {
    public var kind = "challenge"
    public var transactionId: String
    public var activationId: String
    /// The signed challenge, sealed with the phone's push key; absent for phones paired without one.
    public var sealedChallenge: String?

    public init(transactionId: String, activationId: String, sealedChallenge: String? = nil) {
        self.transactionId = transactionId
        self.activationId = activationId
        self.sealedChallenge = sealedChallenge
    }
}
