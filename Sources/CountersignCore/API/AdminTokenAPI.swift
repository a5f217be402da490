import Foundation

// Admin tokens (admin API): made, listed without secrets, revoked.

/// `POST /v1/admin-tokens`.
public struct CreateAdminTokenRequest: Codable, Sendable {
    public var name: String
    /// When the token stops working; never when absent.
    public var expiresAt: Date?

    public init(name: String, expiresAt: Date? = nil) {
        self.name = name
        self.expiresAt = expiresAt
    }
}

public struct AdminTokenView: Codable, Sendable, Equatable {
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    /// active, expired or revoked, at the time of the answer.
    public var state: String

    public init(name: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?, state: String) {
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.state = state
    }

    /// The token as an administrator sees it at `now`.
    public init(_ entry: AdminTokenEntry, at now: Date) {
        let state =
            entry.revokedAt != nil ? "revoked" : (entry.expiresAt.map { $0 <= now } ?? false) ? "expired" : "active"
        self.init(
            name: entry.name, createdAt: entry.createdAt, expiresAt: entry.expiresAt, revokedAt: entry.revokedAt,
            state: state)
    }
}

/// The answer to making an admin token: the token appears here once and is never shown again.
public struct CreatedAdminToken: Codable, Sendable {
    public var adminToken: AdminTokenView
    public var token: String

    public init(adminToken: AdminTokenView, token: String) {
        self.adminToken = adminToken
        self.token = token
    }
}
