import CountersignCore
import Foundation

/// The secrets callers present: admin tokens and relying parties' API keys, kept only as hashes.
public protocol CredentialStore: Sendable {
    /// Stores a new admin token's hash; names are unique among the tokens not revoked.
    func createAdminToken(id: String, secretHash: String, name: String, expiresAt: Date?, now: Date) async throws
    /// The name and hash of a token that works at `now` (not revoked, not expired), by its id.
    func usableAdminToken(id: String, now: Date) async throws -> (name: String, secretHash: String)?
    func hasAdminTokens() async throws -> Bool
    /// Every admin token, revoked and expired ones too, oldest first.
    func adminTokens() async throws -> [AdminTokenEntry]
    /// Revokes a token by name; the last one that works cannot be revoked.
    func revokeAdminToken(name: String, now: Date) async throws -> AdminTokenEntry
    func createRelyingParty(id: String, name: String, secretHash: String, now: Date) async throws -> RelyingParty
    func relyingParties() async throws -> [RelyingParty]
    /// The client's name and its key's hash, by key id.
    func relyingPartyCredential(id: String) async throws -> (name: String, secretHash: String)?
    func deleteRelyingParty(name: String) async throws
}
