import CountersignCore
import Foundation

/// What a phone brings to pairing, plus the OATH secret the server made for it.
public struct NewDevice: Sendable {
    public var platform: DevicePlatform
    public var pushToken: String?
    public var environment: PushEnvironment
    /// X9.63 form of the phone's P-256 public key.
    public var publicKey: Data
    public var oathSecret: [UInt8]
    /// The key the server seals push challenges with for this phone (`SealedPushChallenge`).
    public var pushKey: [UInt8]?
    public var displayName: String?

    public init(
        platform: DevicePlatform, pushToken: String?, environment: PushEnvironment, publicKey: Data,
        oathSecret: [UInt8], pushKey: [UInt8]? = nil, displayName: String?
    ) {
        self.platform = platform
        self.pushToken = pushToken
        self.environment = environment
        self.publicKey = publicKey
        self.oathSecret = oathSecret
        self.pushKey = pushKey
        self.displayName = displayName
    }
}

/// A pairing that has just been stored.
public struct PairedDevice: Sendable {
    public var device: Device
    public var activation: Activation
}

/// What the server needs to check a signed request from a phone.
public struct DeviceCredentials: Sendable {
    public var deviceId: String
    public var user: String
    public var activationId: String
    /// X9.63 form of the phone's P-256 public key.
    public var publicKey: Data
    public var platform: DevicePlatform
    public var status: DeviceStatus
    public var activationIsCurrent: Bool

    /// Whether the phone may use its pairing: active, and made under the current activation.
    public var isActivated: Bool { status == .active && activationIsCurrent }
}

/// Counts for `countersign status`.
public struct RegistryCounts: Sendable, Equatable {
    public var users: Int
    public var devices: Int
    public var activeDevices: Int
}
