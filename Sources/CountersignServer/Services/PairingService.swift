import CountersignCore
import CountersignStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Issues activation codes and redeems them when a phone pairs.
struct PairingService: Sendable {
    /// 160 bits: comfortably above the 128 the security model asks for, and 32 Base32 characters.
    static let codeBytes = 20
    static let oathSecretBytes = 20
    static let maxPushTokenLength = 512

    let environment: ServerEnvironment

    func issueCode(for user: String, validFor requested: Int?, campaign: Bool = false) async throws -> PairingCodeView {
        let lifetime =
            try requested.map { seconds in
                guard seconds > 0, TimeInterval(seconds) <= ServerSettings.maxActivationCodeLifetime else {
                    throw Validation.Failure(
                        "validForSeconds must be between 1 and \(Int(ServerSettings.maxActivationCodeLifetime))")
                }
                return TimeInterval(seconds)
            } ?? environment.settings.activationCodeLifetime
        let now = environment.clock.now()
        let code = Base32.encode(SecureRandom.bytes(Self.codeBytes))
        let expiresAt = now.addingTimeInterval(lifetime)
        if campaign {
            try await environment.store.createCampaignCode(
                user: user, codeHash: SecretHash.sha256Hex(code), expiresAt: expiresAt, now: now)
        } else {
            try await environment.store.createActivationCode(
                user: user, codeHash: SecretHash.sha256Hex(code), expiresAt: expiresAt, now: now)
        }
        let url = PairingURL(server: environment.settings.publicURL, code: code)
        return PairingCodeView(user: user, url: url.text, code: code, expiresAt: expiresAt)
    }

    /// Checks, in this order, and stores nothing unless all pass: the body is well formed, the
    /// signature matches the public key the body names, the timestamp is fresh, the fields are
    /// valid, and finally the code is spendable (inside the store's transaction).
    func redeem(body: Data, headers: HTTPFields, path: String) async throws -> PairingResponse {
        let signature = try SignedHeaders(headers)
        let request = try Request.decodeJSON(PairingRequest.self, from: body)
        guard let publicKey = PublicKeyEncoding.decode(request.publicKey) else {
            throw Validation.Failure("publicKey is not a P-256 public key in base64url X9.63 form")
        }
        guard
            DeviceRequestSignature.isValid(
                signature: signature.signature, method: "POST", path: path,
                timestampMillis: signature.timestampMillis, body: body, publicKey: publicKey)
        else {
            throw UseCaseError.unauthenticated("the pairing request's signature does not match its public key")
        }
        let now = environment.clock.now()
        guard DeviceRequestSignature.isFresh(timestampMillis: signature.timestampMillis, now: now) else {
            throw UseCaseError.unauthenticated("the request's timestamp is too far from the server's clock")
        }
        let pushToken = try Self.validatedPushToken(request.pushToken, platform: request.platform)
        let displayName = try request.displayName.map { try Validation.displayText($0, field: "displayName") }
        guard request.code.utf8.count <= 128 else { throw StoreError.unknownActivationCode }

        let oathSecret = SecureRandom.bytes(Self.oathSecretBytes)
        let pushKey = SealedPushChallenge.makeKey()
        let paired = try await environment.store.redeemActivationCode(
            codeHash: SecretHash.sha256Hex(request.code.uppercased()),
            device: NewDevice(
                platform: request.platform, pushToken: pushToken, environment: request.environment,
                publicKey: publicKey.x963Representation, oathSecret: oathSecret, pushKey: pushKey,
                displayName: displayName),
            now: now)
        return PairingResponse(
            deviceId: paired.device.id, user: paired.device.user, activationId: paired.activation.id,
            serverPublicKey: paired.activation.serverPublicKey, oath: OATHParameters(secret: Base32.encode(oathSecret)),
            pushKey: Base64URL.encode(pushKey))
    }

    /// Push platforms need a token; poll-only phones have none. Tokens are short printable ASCII.
    static func validatedPushToken(_ token: String?, platform: DevicePlatform) throws -> String? {
        let token = token.flatMap { $0.isEmpty ? nil : $0 }
        switch (platform, token) {
        case (.pollOnly, nil): return nil
        case (.pollOnly, .some): throw Validation.Failure("a poll-only device has no pushToken")
        case (_, nil): throw Validation.Failure("pushToken is required for platform \(platform.rawValue)")
        case (_, .some(let token)):
            guard token.utf8.count <= maxPushTokenLength,
                token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw Validation.Failure("pushToken must be at most \(maxPushTokenLength) printable ASCII characters")
            }
            return token
        }
    }
}

/// The timestamp and signature headers every phone request carries.
struct SignedHeaders {
    let timestampMillis: Int64
    let signature: String

    init(_ headers: HTTPFields) throws {
        guard let timestampText = headers[.countersignTimestamp], let signature = headers[.countersignSignature] else {
            throw UseCaseError.unauthenticated(
                "the request must be signed: send \(DeviceRequestSignature.timestampHeader) and \(DeviceRequestSignature.signatureHeader)"
            )
        }
        guard let timestamp = Int64(timestampText), signature.utf8.count <= 256 else {
            throw UseCaseError.unauthenticated(
                "\(DeviceRequestSignature.timestampHeader) must be milliseconds since 1970")
        }
        self.timestampMillis = timestamp
        self.signature = signature
    }
}

extension HTTPField.Name {
    // Constant, valid header names: these initialisers cannot fail.
    static let countersignTimestamp = HTTPField.Name(DeviceRequestSignature.timestampHeader)!
    static let countersignSignature = HTTPField.Name(DeviceRequestSignature.signatureHeader)!
}
