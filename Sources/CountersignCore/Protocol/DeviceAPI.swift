import Foundation

/// Where a phone's notifications go.
public enum DevicePlatform: String, Codable, Sendable, CaseIterable {
    case apns
    case fcm
    case pollOnly = "poll-only"
}

/// The push service environment a token belongs to (APNs tells sandbox tokens from production ones).
public enum PushEnvironment: String, Codable, Sendable, CaseIterable {
    case production
    case sandbox
}

/// `POST /v1/devices`: a phone redeems an activation code. Signed with the key it names.
public struct PairingRequest: Codable, Sendable {
    public var code: String
    public var platform: DevicePlatform
    public var pushToken: String?
    public var environment: PushEnvironment
    /// The phone's P-256 public key (see `PublicKeyEncoding`).
    public var publicKey: String
    public var displayName: String?

    public init(
        code: String, platform: DevicePlatform, pushToken: String?, environment: PushEnvironment, publicKey: String,
        displayName: String?
    ) {
        self.code = code
        self.platform = platform
        self.pushToken = pushToken
        self.environment = environment
        self.publicKey = publicKey
        self.displayName = displayName
    }
}

public struct PairingResponse: Codable, Sendable {
    public var deviceId: String
    public var user: String
    public var activationId: String
    /// The activation's P-256 public key; the phone pins it and trusts only challenges it signed.
    public var serverPublicKey: String
    public var oath: OATHParameters
    /// base64url of the 32-byte key the server seals this phone's push challenges with. The phone
    /// keeps it with its private key; the server never sends it again.
    public var pushKey: String?

    public init(
        deviceId: String, user: String, activationId: String, serverPublicKey: String, oath: OATHParameters,
        pushKey: String? = nil
    ) {
        self.deviceId = deviceId
        self.user = user
        self.activationId = activationId
        self.serverPublicKey = serverPublicKey
        self.oath = oath
        self.pushKey = pushKey
    }
}

/// `PUT /v1/devices/{id}/push-token`, signed by the device.
public struct PushTokenUpdate: Codable, Sendable {
    public var pushToken: String
    public var environment: PushEnvironment?

    public init(pushToken: String, environment: PushEnvironment?) {
        self.pushToken = pushToken
        self.environment = environment
    }
}

/// Every error the HTTP API returns has this body.
public struct ErrorBody: Codable, Sendable {
    public struct Detail: Codable, Sendable {
        /// Stable, machine-readable: `invalid_request`, `not_found`, `conflict`, …
        public var code: String
        /// For the person reading it: what is wrong.
        public var message: String
    }

    public var error: Detail

    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }
}

/// The message a stale phone is shown, word for word as the provider's apps show it.
public enum ActivationMessages {
    public static let notActivated = "Authentication request is not for an activated account"
}
