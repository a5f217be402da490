import CountersignCore
import Foundation
import Hummingbird
import JWTKit

/// The FCM HTTP v1 send endpoint and the OAuth2 token endpoint in front of it.
struct FCMEndpoints: Sendable {
    struct Refusal: Error, Equatable {
        let status: Int
        let statusText: String
        let errorCode: String?
        let message: String
        var retryAfter: Int? = nil
    }

    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var scope: String
        var aud: AudienceClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) throws {
            try exp.verifyNotExpired()
        }
    }

    struct SendBody: Decodable {
        struct Message: Decodable {
            var token: String?
            var data: [String: String]?
        }
        var message: Message
    }

    let identity: GatewayIdentity
    let state: GatewayState
    let keys: JWTKeyCollection

    init(identity: GatewayIdentity, state: GatewayState) async throws {
        self.identity = identity
        self.state = state
        self.keys = JWTKeyCollection()
        await keys.add(
            rsa: try Insecure.RSA.PublicKey(pem: identity.fcmPublicKeyPEM), digestAlgorithm: .sha256,
            kid: "countersign-local-key")
    }

    /// RFC 7523 JWT bearer grant: answers an access token for a valid assertion.
    func token(form: Data, tokenURI: String, now: Date) async -> (status: Int, body: [String: String]) {
        let items = URLComponents(string: "?" + String(decoding: form, as: UTF8.self))?.queryItems ?? []
        guard items.first(where: { $0.name == "grant_type" })?.value == "urn:ietf:params:oauth:grant-type:jwt-bearer",
            let assertion = items.first(where: { $0.name == "assertion" })?.value
        else { return (400, ["error": "unsupported_grant_type"]) }
        guard let claims = try? await keys.verify(assertion, as: Assertion.self),
            claims.iss.value == identity.fcmClientEmail, claims.aud.value.contains(tokenURI),
            claims.scope.split(separator: " ").contains("https://www.googleapis.com/auth/firebase.messaging")
        else { return (400, ["error": "invalid_grant", "error_description": "Invalid JWT Signature."]) }
        let token = await state.issueAccessToken(expiresAt: now.addingTimeInterval(3600))
        return (200, ["access_token": token, "expires_in": "3600", "token_type": "Bearer"])
    }

    /// `POST /v1/projects/{project}/messages:send`: returns the message name, or a refusal.
    func send(project: String, authorization: String?, body: Data, now: Date) async throws(Refusal) -> String {
        guard let authorization, authorization.hasPrefix("Bearer "),
            await state.accessTokenIsValid(String(authorization.dropFirst(7)), at: now)
        else {
            throw Refusal(
                status: 401, statusText: "UNAUTHENTICATED", errorCode: "THIRD_PARTY_AUTH_ERROR",
                message: "Request had invalid authentication credentials.")
        }
        guard project == identity.fcmProjectId else {
            throw Refusal(
                status: 403, statusText: "PERMISSION_DENIED", errorCode: "SENDER_ID_MISMATCH",
                message: "SenderId mismatch")
        }
        guard let parsed = try? JSONDecoder().decode(SendBody.self, from: body), let token = parsed.message.token else {
            throw Refusal(
                status: 400, statusText: "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT",
                message: "Invalid JSON payload received.")
        }
        let data = parsed.message.data ?? [:]
        guard data.reduce(0, { $0 + $1.key.utf8.count + $1.value.utf8.count }) <= 4096 else {
            throw Refusal(
                status: 400, statusText: "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT",
                message: "Message is too big")
        }
        guard let device = await state.device(token), device.platform == .fcm else {
            throw Refusal(
                status: 400, statusText: "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT",
                message: "The registration token is not a valid FCM registration token")
        }
        if device.unregisteredAt != nil {
            throw Refusal(
                status: 404, statusText: "NOT_FOUND", errorCode: "UNREGISTERED",
                message: "Requested entity was not found.")
        }
        if let fault = await state.takeFault(for: token) {
            throw Refusal(
                status: fault.status, statusText: fault.reason, errorCode: fault.reason, message: "injected fault",
                retryAfter: fault.retryAfter)
        }
        let key = data["messageKey"] ?? UUID().uuidString.lowercased()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        await state.deliver(to: token, platform: .fcm, id: key, payload: payload, at: now)
        return "projects/\(project)/messages/\(key)"
    }
}
