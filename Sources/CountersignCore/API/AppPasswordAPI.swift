import Foundation

// App passwords on the admin API.

public struct CreateAppPasswordRequest: Codable, Sendable {
    /// What the user will use it for ("mail on the old laptop").
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}

public struct AppPasswordView: Codable, Sendable, Equatable {
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

/// The answer to creating one: the password appears here once and is never shown again.
public struct CreatedAppPassword: Codable, Sendable {
    public var appPassword: AppPasswordView
    public var password: String

    public init(appPassword: AppPasswordView, password: String) {
        self.appPassword = appPassword
        self.password = password
    }
}

public struct DeletedAppPasswords: Codable, Sendable, Equatable {
    public var deleted: Int
    public init(deleted: Int) { self.deleted = deleted }
}

/// What `POST /v1/users/{name}/reset` cleared so that the user can register again.
public struct UserResetResult: Codable, Sendable, Equatable {
    public var devicesRemoved: Int
    public var appPasswordsDeleted: Int
    public var pendingSignInsEnded: Int
    public var activationCodesRevoked: Int

    public init(devicesRemoved: Int, appPasswordsDeleted: Int, pendingSignInsEnded: Int, activationCodesRevoked: Int) {
        self.devicesRemoved = devicesRemoved
        self.appPasswordsDeleted = appPasswordsDeleted
        self.pendingSignInsEnded = pendingSignInsEnded
        self.activationCodesRevoked = activationCodesRevoked
    }
}
