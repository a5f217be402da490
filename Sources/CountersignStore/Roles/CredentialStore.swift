import CountersignCore
import Foundation

/// The secrets callers present: admin tokens and relying parties' API keys, kept only as hashes.
public protocol CredentialStore: Sendable {
    func createAdminToken(id: String, secretHash: String, name: String, now: Date) async throws
    func adminTokenSecretHash(id: String) async throws -> String?
    func hasAdminTokens() async throws -> Bool
    func createRelyingParty(id: String, name: String, secretHash: String, now: Date) async throws -> RelyingParty
    func relyingParties() async throws -> [RelyingParty]
    /// The client's name and its key's hash, by key id.
    func relyingPartyCredential(id: String) async throws -> (name: String, secretHash: String)?
    func deleteRelyingParty(name: String) async throws
}
