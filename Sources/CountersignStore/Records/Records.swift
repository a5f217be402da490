import CountersignCore
import Foundation
import GRDB

// Rows as GRDB records. They stay inside the store; callers see the value types in StoredTypes.swift.

protocol SnakeCaseRecord: Codable, FetchableRecord, PersistableRecord {}

extension SnakeCaseRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct ProviderRecord: SnakeCaseRecord, TableRecord {
    static let databaseTableName = "provider"
    var id: Int64?
    var name: String
    var billing: String
    var tenant: String
    var settings: String
    var createdAt: Date
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
    var displayName: String?
    var status: String
    var statusReason: String?
    var statusChangedAt: Date?
    var createdAt: Date
    var lastSeenAt: Date?
    var lastRequestMs: Int64
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
}

struct AdminTokenRecord: SnakeCaseRecord {
    static let databaseTableName = "admin_token"
    var id: String
    var secretHash: String
    var name: String
    var createdAt: Date
}

struct RelyingPartyRecord: SnakeCaseRecord {
    static let databaseTableName = "relying_party"
    var id: String
    var name: String
    var secretHash: String
    var createdAt: Date
    var lastUsedAt: Date?
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
}
