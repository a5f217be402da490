import Foundation

// What the store keeps and the use cases return: providers, activations, users, devices, clients,
// tokens and app passwords, and the summaries of administrative changes. Front ends turn them into
// their own wire forms (the HTTP API's views in API/), so the API's JSON can change without the store.

public struct Provider: Sendable, Equatable {
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

public struct Activation: Sendable, Equatable {
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

public struct User: Sendable, Equatable {
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

public struct Device: Sendable, Equatable {
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

public struct RelyingParty: Sendable, Equatable {
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(name: String, createdAt: Date, lastUsedAt: Date?) {
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

public struct HardwareToken: Sendable, Equatable {
    public var serial: String
    public var kind: TokenSeed.Kind
    public var algorithm: OATHAlgorithm
    public var digits: Int
    public var period: Int
    /// The user the token is assigned to, if any.
    public var user: String?
    public var importedAt: Date
    public var lastUsedAt: Date?

    public init(
        serial: String, kind: TokenSeed.Kind, algorithm: OATHAlgorithm, digits: Int, period: Int, user: String?,
        importedAt: Date, lastUsedAt: Date?
    ) {
        self.serial = serial
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
        self.user = user
        self.importedAt = importedAt
        self.lastUsedAt = lastUsedAt
    }
}

public struct AppPasswordEntry: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, name: String?, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

public struct ReactivationSummary: Sendable, Equatable {
    public var activation: Activation
    public var previousActivationId: String
    public var previousProvider: String
    /// Users with at least one mobile-app pairing that stopped working: they must pair again.
    public var usersToRepair: Int
    public var devicesInvalidated: Int
    /// Push sign-ins that were waiting for an answer from an invalidated app; they end as failed.
    public var signInsEnded: Int
    /// The new provider belongs to another tenant: settings start from the new provider's.
    public var tenantChanged: Bool
    /// Within one tenant: what the new provider took over from the old one (it had none of its own).
    public var carriedOver: [String]

    public init(
        activation: Activation, previousActivationId: String, previousProvider: String, usersToRepair: Int,
        devicesInvalidated: Int, signInsEnded: Int, tenantChanged: Bool, carriedOver: [String] = []
    ) {
        self.carriedOver = carriedOver
        self.activation = activation
        self.previousActivationId = previousActivationId
        self.previousProvider = previousProvider
        self.usersToRepair = usersToRepair
        self.devicesInvalidated = devicesInvalidated
        self.signInsEnded = signInsEnded
        self.tenantChanged = tenantChanged
    }
}

/// What `POST /v1/users/{name}/reset` cleared so that the user can register again.
public struct UserResetSummary: Sendable, Equatable {
    public var devicesRemoved: Int
    public var appPasswordsDeleted: Int
    public var pendingSignInsEnded: Int
    public var activationCodesRevoked: Int
    /// The sign-ins the reset ended, for the long-polls waiting on them.
    public var endedSignIns: [String]

    public init(
        devicesRemoved: Int, appPasswordsDeleted: Int, pendingSignInsEnded: Int, activationCodesRevoked: Int,
        endedSignIns: [String] = []
    ) {
        self.devicesRemoved = devicesRemoved
        self.appPasswordsDeleted = appPasswordsDeleted
        self.pendingSignInsEnded = pendingSignInsEnded
        self.activationCodesRevoked = activationCodesRevoked
        self.endedSignIns = endedSignIns
    }
}

/// One user whose app pairing a re-activation ended.
public struct RepairProgress: Sendable, Equatable {
    public var user: String
    /// Paired again under the current activation.
    public var repaired: Bool
    /// The campaign's pairing URL (print mode only, in the answer to starting it).
    public var pairingURL: String?
    /// Why no code could be delivered (SMS mode: no phone number, gateway down).
    public var problem: String?
    /// Until when the code issued by the campaign works (in the answer to starting it).
    public var expiresAt: Date?

    public init(
        user: String, repaired: Bool, pairingURL: String? = nil, problem: String? = nil, expiresAt: Date? = nil
    ) {
        self.user = user
        self.repaired = repaired
        self.pairingURL = pairingURL
        self.problem = problem
        self.expiresAt = expiresAt
    }
}

public struct LogPruning: Sendable, Equatable {
    public var deleted: Int
    /// The cut-off actually used (moved back to the start of the current month when later).
    public var before: Date
    public init(deleted: Int, before: Date) {
        self.deleted = deleted
        self.before = before
    }
}

/// An admin token as the store keeps it: never its secret.
public struct AdminTokenEntry: Sendable, Equatable {
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(name: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?) {
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// One change made through the admin API, as the audit trail keeps it.
public struct AdminAuditEntry: Sendable, Equatable {
    public var time: Date
    /// The admin token's name: who made the change.
    public var tokenName: String
    /// The method and route, e.g. "DELETE /v1/users/{name}".
    public var action: String
    /// The route's parameters, e.g. "name=alice".
    public var target: String?
    /// The address the request came from.
    public var address: String?
    /// The HTTP status it was answered with.
    public var status: Int

    public init(time: Date, tokenName: String, action: String, target: String?, address: String?, status: Int) {
        self.time = time
        self.tokenName = tokenName
        self.action = action
        self.target = target
        self.address = address
        self.status = status
    }
}
