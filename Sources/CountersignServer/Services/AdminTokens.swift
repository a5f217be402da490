import CountersignCore
import CountersignStore
import Foundation

/// Admin tokens look like `csa_<id>_<secret>`. The id finds the row; only SHA-256 of the secret is
/// stored, and it is compared in constant time.
public struct AdminTokens: Sendable {
    static let prefix = "csa"
    let store: any RegistryStore

    public init(store: any RegistryStore) {
        self.store = store
    }

    /// Makes a new token and stores its hash; the token itself is returned once and never kept.
    public func issue(name: String, now: Date) async throws -> String {
        let id = Hex.encode(SecureRandom.bytes(8))
        let secret = SecureRandom.token(byteCount: 32)
        try await store.createAdminToken(id: id, secretHash: SecretHash.sha256Hex(secret), name: name, now: now)
        return "\(Self.prefix)_\(id)_\(secret)"
    }

    public func isValid(_ token: String) async throws -> Bool {
        // The secret is base64url and may itself contain '_': split at the first two only.
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard token.utf8.count <= 256, parts.count == 3, parts[0] == Self.prefix, parts[1].utf8.count == 16 else {
            return false
        }
        guard let storedHash = try await store.adminTokenSecretHash(id: String(parts[1])) else { return false }
        return SecretHash.matches(String(parts[2]), expectedHex: storedHash)
    }

    /// On first start: issue the initial admin token and write it to `path` (mode 0600).
    /// Returns the token when one was made, nil when the server already has admin tokens.
    public func bootstrap(writingTo path: String, now: Date) async throws -> String? {
        guard try await !store.hasAdminTokens() else { return nil }
        let token = try await issue(name: "initial", now: now)
        try DataDirectory.writePrivateFile(path, contents: token + "\n")
        return token
    }
}
