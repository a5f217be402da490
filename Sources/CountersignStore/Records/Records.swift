import CountersignCore
import Foundation
import GRDB

// Rows as GRDB records. They stay inside the store; callers see the value types in StoredTypes.swift.
//
// Columns are snake_case. Each record spells its coding keys out rather than asking GRDB to convert
// names on every row: the conversion showed up in the sign-in benchmark's profile.

protocol SnakeCaseRecord: Codable, FetchableRecord, PersistableRecord {}

struct ProviderRecord: SnakeCaseRecord, TableRecord {
    static let databaseTableName = "provider"
    var id: Int64?
    var name: String
    var billing: String
    var tenant: String
    var settings: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case billing
        case tenant
        case settings
        case createdAt = "created_at"
    }
}

struct ActivationRecord: SnakeCaseRecord {
    static let databaseTableName = "activation"
    var id: String
    var providerId: Int64
    var serverPublicKey: Data
    var serverPrivateKeySealed: Data
    var isCurrent: Bool
    var createdAt: Date
    var supersededAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case providerId = "provider_id"
        case serverPublicKey = "server_public_key"
        case serverPrivateKeySealed = "server_private_key_sealed"
        case isCurrent = "is_current"
        case createdAt = "created_at"
        case supersededAt = "superseded_at"
    }
}

struct UserRecord: SnakeCaseRecord {
    static let databaseTableName = "user"
    var id: Int64?
    var name: String
    var firstName: String?
    var lastName: String?
    var email: String?
    var phone: String?
    var country: String?
    var status: String
    var createdAt: Date
    var pushBlockedUntil: Date?
    var failedAttempts: Int = 0
    var lockedUntil: Date?
    var lockouts: Int = 0
    var licensed: Bool = false

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case firstName = "first_name"
        case lastName = "last_name"
        case email
        case phone
        case country
        case status
        case createdAt = "created_at"
        case pushBlockedUntil = "push_blocked_until"
        case failedAttempts = "failed_attempts"
        case lockedUntil = "locked_until"
        case licensed
        case lockouts
    }
}

struct DeviceRecord: SnakeCaseRecord {
    static let databaseTableName = "device"
    var id: String
    var userId: Int64
    var activationId: String
    var platform: String
    var pushToken: String?
    var pushTokenInvalidAt: Date?
    var pushTokenInvalidReason: String?
    var environment: String
    var publicKey: Data
    var oathSecretSealed: Data
    /// Sealed under the master key; nil for phones paired before push keys existed.
    var pushKeySealed: Data?
    var displayName: String?
    var status: String
    var statusReason: String?
    var statusChangedAt: Date?
    var createdAt: Date
    var lastSeenAt: Date?
    var lastRequestMs: Int64
    var oathLastStep: Int64?

    enum CodingKeys: String, CodingKey {
        case id
        case userId = "user_id"
        case activationId = "activation_id"
        case platform
        case pushToken = "push_token"
        case pushTokenInvalidAt = "push_token_invalid_at"
        case pushTokenInvalidReason = "push_token_invalid_reason"
        case environment
        case publicKey = "public_key"
        case oathSecretSealed = "oath_secret_sealed"
        case pushKeySealed = "push_key_sealed"
        case displayName = "display_name"
        case status
        case statusReason = "status_reason"
        case statusChangedAt = "status_changed_at"
        case createdAt = "created_at"
        case lastSeenAt = "last_seen_at"
        case lastRequestMs = "last_request_ms"
        case oathLastStep = "oath_last_step"
    }
}

struct ActivationCodeRecord: SnakeCaseRecord {
    static let databaseTableName = "activation_code"
    var codeHash: String
    var userId: Int64
    var activationId: String
    var createdAt: Date
    var expiresAt: Date
    var usedAt: Date?
    var deviceId: String?
    /// Issued by a re-pair campaign, which revokes its earlier runs' unused codes.
    var fromCampaign = false

    enum CodingKeys: String, CodingKey {
        case codeHash = "code_hash"
        case userId = "user_id"
        case activationId = "activation_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case deviceId = "device_id"
        case fromCampaign = "from_campaign"
    }
}

struct AdminTokenRecord: SnakeCaseRecord {
    static let databaseTableName = "admin_token"
    var id: String
    var secretHash: String
    var name: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case secretHash = "secret_hash"
        case name
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    /// Whether the token still opens the admin API at `now`.
    func isUsable(at now: Date) -> Bool { revokedAt == nil && (expiresAt.map { $0 > now } ?? true) }
}

struct RelyingPartyRecord: SnakeCaseRecord {
    static let databaseTableName = "relying_party"
    var id: String
    var name: String
    var secretHash: String
    var createdAt: Date
    var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case secretHash = "secret_hash"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }
}

struct ChallengeRecord: SnakeCaseRecord {
    static let databaseTableName = "challenge"
    var id: String
    var userId: Int64
    var activationId: String
    var method: String
    var requestedMethod: String
    var number: Int
    var application: String?
    var clientIp: String?
    var location: String?
    var relyingParty: String
    var signedDetails: String
    var signature: String
    var createdAt: Date
    var deadlineAt: Date
    var state: String
    var reason: String?
    var answeredAt: Date?
    var answeredDeviceId: String?
    var asksNumber = true

    enum CodingKeys: String, CodingKey {
        case id
        case userId = "user_id"
        case activationId = "activation_id"
        case method
        case requestedMethod = "requested_method"
        case number
        case asksNumber = "asks_number"
        case application
        case clientIp = "client_ip"
        case location
        case relyingParty = "relying_party"
        case signedDetails = "signed_details"
        case signature
        case createdAt = "created_at"
        case deadlineAt = "deadline_at"
        case state
        case reason
        case answeredAt = "answered_at"
        case answeredDeviceId = "answered_device_id"
    }
}

struct AuthLogRecord: SnakeCaseRecord {
    static let databaseTableName = "auth_log"
    var id: Int64?
    var time: Date
    var userName: String
    var firstName: String?
    var lastName: String?
    var email: String?
    var phone: String?
    var deviceToken: String?
    var mode: String
    var result: String
    var outcome: String
    var reason: String?
    var serverName: String
    var serverIp: String?
    var clientIp: String?
    var application: String?
    var transactionId: String?
    var relyingParty: String?
    var provider: String?

    enum CodingKeys: String, CodingKey {
        case id
        case time
        case userName = "user_name"
        case firstName = "first_name"
        case lastName = "last_name"
        case email
        case phone
        case deviceToken = "device_token"
        case mode
        case result
        case outcome
        case reason
        case serverName = "server_name"
        case serverIp = "server_ip"
        case clientIp = "client_ip"
        case application
        case transactionId = "transaction_id"
        case relyingParty = "relying_party"
        case provider
    }
}

struct HardwareTokenRecord: SnakeCaseRecord {
    static let databaseTableName = "hardware_token"
    var serial: String
    var kind: String
    var algorithm: String
    var digits: Int
    var period: Int
    /// HOTP: the next counter value a code may use.
    var counter: Int64
    /// TOTP: the last step accepted; an older or equal one is a replay.
    var lastStep: Int64?
    var secretSealed: Data
    var userId: Int64?
    var importedAt: Date
    var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case serial
        case kind
        case algorithm
        case digits
        case period
        case counter
        case lastStep = "last_step"
        case secretSealed = "secret_sealed"
        case userId = "user_id"
        case importedAt = "imported_at"
        case lastUsedAt = "last_used_at"
    }
}

struct AppPasswordRecord: SnakeCaseRecord {
    static let databaseTableName = "app_password"
    var id: String
    var userId: Int64
    var name: String?
    /// `pbkdf2-sha256$ROUNDS$SALT$HASH`.
    var passwordHash: String
    var createdAt: Date
    var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case userId = "user_id"
        case name
        case passwordHash = "password_hash"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }
}

/// An SMS code or voice call waiting for the user.
struct PhoneChallengeRecord: SnakeCaseRecord {
    static let databaseTableName = "phone_challenge"
    var id: String
    var userId: Int64
    var method: String
    /// SMS: the keyed hash of the code. Voice: the keyed hash of the callback token.
    var secretHash: String
    var phone: String
    var country: String
    var sender: String?
    var relyingParty: String
    var application: String?
    var clientIp: String?
    var createdAt: Date
    var deadlineAt: Date
    var state: String
    var reason: String?
    var answeredAt: Date?
    var provider: String?

    enum CodingKeys: String, CodingKey {
        case id
        case userId = "user_id"
        case provider
        case method
        case secretHash = "secret_hash"
        case phone
        case country
        case sender
        case relyingParty = "relying_party"
        case application
        case clientIp = "client_ip"
        case createdAt = "created_at"
        case deadlineAt = "deadline_at"
        case state
        case reason
        case answeredAt = "answered_at"
    }
}

extension UserRecord {
    /// The lockout's three columns, as the rule sees them.
    var codeAttemptCounters: CodeAttemptCounters {
        get { CodeAttemptCounters(failedAttempts: failedAttempts, lockouts: lockouts, lockedUntil: lockedUntil) }
        set {
            failedAttempts = newValue.failedAttempts
            lockouts = newValue.lockouts
            lockedUntil = newValue.lockedUntil
        }
    }
}
