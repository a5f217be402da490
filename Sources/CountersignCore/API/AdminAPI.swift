import Foundation

// The admin API's bodies, shared by the server and the operator's command line.

/// How a provider bills: fixed when the provider is created.
public enum BillingModel: String, Codable, Sendable, CaseIterable {
    case perUser = "per-user"
    case perAuthentication = "per-authentication"
}

public struct CreateProviderRequest: Codable, Sendable {
    public var name: String
    public var billing: BillingModel
    public var tenant: String?

    public init(name: String, billing: BillingModel, tenant: String?) {
        self.name = name
        self.billing = billing
        self.tenant = tenant
    }
}

/// A provider's settings that may change after creation (stored as JSON on the provider).
public struct ProviderSettings: Codable, Sendable, Equatable {
    /// Whether users may have app passwords for clients that cannot do a second factor.
    public var allowAppPasswords: Bool
    /// The number SMS codes come from outside the US and Canada (E.164).
    public var smsLongNumber: String?
    /// The caller ID voice calls show (E.164).
    public var voiceCallerId: String?

    public init(allowAppPasswords: Bool = false, smsLongNumber: String? = nil, voiceCallerId: String? = nil) {
        self.allowAppPasswords = allowAppPasswords
        self.smsLongNumber = smsLongNumber
        self.voiceCallerId = voiceCallerId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allowAppPasswords = try container.decodeIfPresent(Bool.self, forKey: .allowAppPasswords) ?? false
        smsLongNumber = try container.decodeIfPresent(String.self, forKey: .smsLongNumber)
        voiceCallerId = try container.decodeIfPresent(String.self, forKey: .voiceCallerId)
    }
}

/// Settings that may change after creation. The billing model may be sent only to be refused clearly.
/// An absent field leaves the setting as it is; an empty number clears it.
public struct UpdateProviderRequest: Codable, Sendable {
    public var billing: BillingModel?
    public var allowAppPasswords: Bool?
    public var smsLongNumber: String?
    public var voiceCallerId: String?

    public init(
        billing: BillingModel? = nil, allowAppPasswords: Bool? = nil, smsLongNumber: String? = nil,
        voiceCallerId: String? = nil
    ) {
        self.billing = billing
        self.allowAppPasswords = allowAppPasswords
        self.smsLongNumber = smsLongNumber
        self.voiceCallerId = voiceCallerId
    }
}

public struct ProviderView: Codable, Sendable, Equatable {
    public var name: String
    public var billing: BillingModel
    public var tenant: String
    public var createdAt: Date
    /// Whether the current activation links this server to this provider.
    public var isCurrent: Bool
    public var settings: ProviderSettings

    public init(
        name: String, billing: BillingModel, tenant: String, createdAt: Date, isCurrent: Bool,
        settings: ProviderSettings = ProviderSettings()
    ) {
        self.name = name
        self.billing = billing
        self.tenant = tenant
        self.createdAt = createdAt
        self.isCurrent = isCurrent
        self.settings = settings
    }
}

public struct ActivateRequest: Codable, Sendable {
    public var provider: String
    public init(provider: String) { self.provider = provider }
}

public struct ActivationView: Codable, Sendable, Equatable {
    public var id: String
    public var provider: String
    public var serverPublicKey: String
    public var createdAt: Date
    public var isCurrent: Bool

    public init(id: String, provider: String, serverPublicKey: String, createdAt: Date, isCurrent: Bool) {
        self.id = id
        self.provider = provider
        self.serverPublicKey = serverPublicKey
        self.createdAt = createdAt
        self.isCurrent = isCurrent
    }
}

public struct StatusView: Codable, Sendable {
    public var serverName: String
    public var activation: ActivationView?
    public var users: Int
    /// Active devices paired under the current activation.
    public var activeDevices: Int
    public var devices: Int
    /// With several nodes on one database: each node, and how far its clock is from the database's.
    public var nodes: [ClusterNode]?

    public init(
        serverName: String, activation: ActivationView?, users: Int, activeDevices: Int, devices: Int,
        nodes: [ClusterNode]? = nil
    ) {
        self.nodes = nodes
        self.serverName = serverName
        self.activation = activation
        self.users = users
        self.activeDevices = activeDevices
        self.devices = devices
    }
}

/// One node sharing the database, as its last heartbeat left it.
public struct ClusterNode: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var startedAt: Date
    /// The database's time at the node's last heartbeat.
    public var lastSeen: Date
    /// The node's clock minus the database's, at that heartbeat. Deadlines are decided by each
    /// node's clock, so nodes must keep theirs in step (NTP); this shows when one does not.
    public var clockOffsetMilliseconds: Int
    /// Heard from within the last few heartbeats.
    public var live: Bool

    public init(
        name: String, version: String, startedAt: Date, lastSeen: Date, clockOffsetMilliseconds: Int, live: Bool
    ) {
        self.name = name
        self.version = version
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
        self.live = live
    }
}

public struct CreateUserRequest: Codable, Sendable {
    public var name: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var country: String?

    public init(name: String, firstName: String?, lastName: String?, email: String?, phone: String?, country: String?) {
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.country = country
    }
}

public enum UserStatus: String, Codable, Sendable {
    case enabled
    case disabled
}

public struct UserView: Codable, Sendable, Equatable {
    public var name: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var country: String?
    public var status: UserStatus
    public var createdAt: Date
    public var activeDevices: Int
    /// Set while too many wrong codes keep the user's code methods locked.
    public var lockedUntil: Date?
    /// Set while a fraud report keeps push sign-ins from reaching the user's phones.
    public var pushBlockedUntil: Date?
    /// Holds a license: left out of per-user billing.
    public var licensed: Bool

    public init(
        name: String, firstName: String?, lastName: String?, email: String?, phone: String?, country: String?,
        status: UserStatus, createdAt: Date, activeDevices: Int, lockedUntil: Date? = nil, licensed: Bool = false,
        pushBlockedUntil: Date? = nil
    ) {
        self.lockedUntil = lockedUntil
        self.pushBlockedUntil = pushBlockedUntil
        self.licensed = licensed
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.country = country
        self.status = status
        self.createdAt = createdAt
        self.activeDevices = activeDevices
    }
}

public struct CreatePairingCodeRequest: Codable, Sendable {
    /// How long the code stays valid; the server's default (10 minutes) when absent.
    public var validForSeconds: Int?
    public init(validForSeconds: Int?) { self.validForSeconds = validForSeconds }
}

public struct PairingCodeView: Codable, Sendable {
    public var user: String
    public var url: String
    public var code: String
    public var expiresAt: Date

    public init(user: String, url: String, code: String, expiresAt: Date) {
        self.user = user
        self.url = url
        self.code = code
        self.expiresAt = expiresAt
    }
}

public enum DeviceStatus: String, Codable, Sendable {
    case active
    case invalidated
    case removed
}

public struct DeviceView: Codable, Sendable, Equatable {
    public var id: String
    public var user: String
    public var activationId: String
    public var platform: DevicePlatform
    public var environment: PushEnvironment
    public var hasPushToken: Bool
    public var displayName: String?
    public var status: DeviceStatus
    public var statusReason: String?
    public var createdAt: Date
    public var lastSeenAt: Date?

    public init(
        id: String, user: String, activationId: String, platform: DevicePlatform, environment: PushEnvironment,
        hasPushToken: Bool, displayName: String?, status: DeviceStatus, statusReason: String?, createdAt: Date,
        lastSeenAt: Date?
    ) {
        self.id = id
        self.user = user
        self.activationId = activationId
        self.platform = platform
        self.environment = environment
        self.hasPushToken = hasPushToken
        self.displayName = displayName
        self.status = status
        self.statusReason = statusReason
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}

/// JSON dates on the wire are ISO 8601 with fractional seconds where present.
public enum APIJSON {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// A sign-in still waiting for its user, as the admin API lists it (`GET /v1/signins`).
public struct PendingSignIn: Codable, Sendable, Equatable {
    public var transactionId: String
    public var user: String
    public var method: AuthMethod
    /// The client (relying party) that started it.
    public var client: String
    public var createdAt: Date
    public var deadline: Date

    public init(
        transactionId: String, user: String, method: AuthMethod, client: String, createdAt: Date, deadline: Date
    ) {
        self.transactionId = transactionId
        self.user = user
        self.method = method
        self.client = client
        self.createdAt = createdAt
        self.deadline = deadline
    }
}

public struct PendingSignInList: Codable, Sendable, Equatable {
    public var signIns: [PendingSignIn]
    public init(signIns: [PendingSignIn]) { self.signIns = signIns }
}
