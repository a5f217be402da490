import CountersignCore
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit

/// The APNs provider API: `POST /3/device/<token>`, with the checks Apple makes and its reasons.
struct APNsEndpoint: Sendable {
    struct Refusal: Error, Equatable {
        let status: Int
        let reason: String
        var retryAfter: Int? = nil
        var timestamp: Date? = nil
    }

    struct ProviderClaims: JWTPayload {
        var iss: IssuerClaim
        var iat: IssuedAtClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    static let maximumPayload = 4096
    let identity: GatewayIdentity
    let state: GatewayState
    let keys: JWTKeyCollection
    /// Provider tokens already verified, by their text: a provider reuses one token for up to an
    /// hour, so its signature need not be checked again on every request. Its age still is.
    let verified = VerifiedTokens()

    init(identity: GatewayIdentity, state: GatewayState) async throws {
        self.identity = identity
        self.state = state
        self.keys = JWTKeyCollection()
        await keys.add(
            ecdsa: try ES256PublicKey(pem: identity.apnsPublicKey.pemRepresentation),
            kid: JWKIdentifier(string: identity.apns.keyId))
    }

    /// Accepts the notification (returning its apns-id) or says why not.
    func handle(token: String, headers: HTTPFields, body: Data, now: Date) async throws(Refusal) -> String {
        try await checkProviderToken(headers[.authorization], now: now)
        guard let topic = headers[.apnsTopic], !topic.isEmpty else {
            throw Refusal(status: 400, reason: "MissingTopic")
        }
        guard topic == identity.apns.topic else { throw Refusal(status: 400, reason: "TopicDisallowed") }
        let pushType = headers[.apnsPushType] ?? "alert"
        guard ["alert", "background", "voip", "complication", "fileprovider", "mdm"].contains(pushType) else {
            throw Refusal(status: 400, reason: "InvalidPushType")
        }
        if let priority = headers[.apnsPriority] {
            guard ["5", "10", "1"].contains(priority), !(pushType == "background" && priority == "10") else {
                throw Refusal(status: 400, reason: "BadPriority")
            }
        }
        if let expiration = headers[.apnsExpiration], Int64(expiration) == nil {
            throw Refusal(status: 400, reason: "BadExpirationDate")
        }
        let id = headers[.apnsId] ?? UUID().uuidString.lowercased()
        guard UUID(uuidString: id) != nil else { throw Refusal(status: 400, reason: "BadMessageId") }
        if let collapse = headers[.apnsCollapseId], collapse.utf8.count > 64 {
            throw Refusal(status: 400, reason: "BadCollapseId")
        }
        guard !body.isEmpty else { throw Refusal(status: 400, reason: "PayloadEmpty") }
        guard body.count <= Self.maximumPayload else { throw Refusal(status: 413, reason: "PayloadTooLarge") }
        guard (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
            throw Refusal(status: 400, reason: "BadRequest")
        }
        guard token.utf8.count == 64, Hex.decode(token) != nil, let device = await state.device(token),
            device.platform == .apns
        else { throw Refusal(status: 400, reason: "BadDeviceToken") }
        if let unregisteredAt = device.unregisteredAt {
            throw Refusal(status: 410, reason: "Unregistered", timestamp: unregisteredAt)
        }
        if let fault = await state.takeFault(for: token) {
            throw Refusal(status: fault.status, reason: fault.reason, retryAfter: fault.retryAfter)
        }
        await state.deliver(to: token, platform: .apns, id: id, payload: String(decoding: body, as: UTF8.self), at: now)
        return id
    }

    /// `authorization: bearer <JWT>` signed with the registered key, from the registered team, under an hour old.
    func checkProviderToken(_ header: String?, now: Date) async throws(Refusal) {
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            throw Refusal(status: 403, reason: "MissingProviderToken")
        }
        let jwt = String(header.dropFirst("bearer ".count))
        let issuedAt: Date
        if let known = await verified.issuedAt(of: jwt) {
            issuedAt = known
        } else {
            let claims: ProviderClaims
            do { claims = try await keys.verify(jwt, as: ProviderClaims.self) } catch {
                throw Refusal(status: 403, reason: "InvalidProviderToken")
            }
            guard claims.iss.value == identity.apns.teamId, claims.iat.value <= now.addingTimeInterval(60) else {
                throw Refusal(status: 403, reason: "InvalidProviderToken")
            }
            issuedAt = claims.iat.value
            await verified.remember(jwt, issuedAt: issuedAt)
        }
        guard now.timeIntervalSince(issuedAt) < 3600 else {
            throw Refusal(status: 403, reason: "ExpiredProviderToken")
        }
    }
}

extension HTTPField.Name {
    // Constant, valid header names: these initialisers cannot fail.
    static let apnsTopic = HTTPField.Name("apns-topic")!
    static let apnsPushType = HTTPField.Name("apns-push-type")!
    static let apnsPriority = HTTPField.Name("apns-priority")!
    static let apnsExpiration = HTTPField.Name("apns-expiration")!
    static let apnsId = HTTPField.Name("apns-id")!
    static let apnsCollapseId = HTTPField.Name("apns-collapse-id")!
}

/// A small memory of verified provider tokens.
actor VerifiedTokens {
    private var tokens: [String: Date] = [:]

    func issuedAt(of token: String) -> Date? { tokens[token] }

    func remember(_ token: String, issuedAt: Date) {
        // Providers hold one or two tokens at a time; anything more is churn and may be forgotten.
        if tokens.count >= 64 { tokens.removeAll() }
        tokens[token] = issuedAt
    }
}
