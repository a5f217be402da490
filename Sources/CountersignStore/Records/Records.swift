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
