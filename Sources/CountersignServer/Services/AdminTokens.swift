import CountersignCore
import CountersignStore
import Foundation

/// Admin tokens look like `csa_<id>_<secret>`. The id finds the row; only SHA-256 of the secret is
/// stored, and it is compared in constant time.
public struct AdminTokens: Sendable {
    static let prefix = "csa"
    let store: any CredentialStore

    public init(store: any CredentialStore) {
        self.store = store
    }

    /// Makes a new token and stores its hash; the token itself is returned once and never kept.
    public func issue(name: String, expiresAt: Date? = nil, now: Date) async throws -> String {
        let key = PrefixedKey.make(prefix: Self.prefix)
        try await store.createAdminToken(
            id: key.id, secretHash: key.secretHash, name: try Validation.name(name, of: "admin token"),
            expiresAt: expiresAt, now: now)
        return key.text
    }

    /// Whether the token is one of ours that works at `now`: not revoked, not expired.
    public func isValid(_ token: String, now: Date) async throws -> Bool {
        try await holder(of: token, now: now) != nil
    }

    /// The name of the admin token presented, when it is one of ours that works at `now`.
    public func holder(of token: String, now: Date) async throws -> String? {
        guard let key = PrefixedKey(parsing: token, prefix: Self.prefix),
            let stored = try await store.usableAdminToken(id: key.id, now: now),
            key.matches(storedHash: stored.secretHash)
        else { return nil }
        return stored.name
    }

    /// On first start: issue the initial admin token and write it to `path` (mode 0600).
    /// Returns the token when one was made, nil when the server already has admin tokens.
    public func bootstrap(writingTo path: String, now: Date) async throws -> String? {
        guard try await !store.hasAdminTokens() else { return nil }
        let token: String
        do {
            token = try await issue(name: "initial", now: now)
        } catch StoreError.adminTokenExists {
            // Another node sharing the database made it first: its data folder holds the token.
            return nil
        }
        try DataDirectory.writePrivateFile(path, contents: token + "\n")
        return token
    }
}
