import CountersignCore
import CountersignStore
import Foundation

/// API keys of relying parties look like `csk_<id>_<secret>`; only a hash of the secret is kept.
struct ClientKeys: Sendable {
    static let prefix = "csk"
    let store: any CredentialStore
    let caches: RequestCaches

    /// Makes a client and its key; the key is in the answer once and never stored.
    func create(name: String, now: Date) async throws -> CreatedClient {
        let key = PrefixedKey.make(prefix: Self.prefix)
        let client = try await store.createRelyingParty(
            id: key.id, name: try Validation.name(name, of: "client"), secretHash: key.secretHash, now: now)
        return CreatedClient(client: ClientView(client), apiKey: key.text)
    }

    /// The client's name when the key is one of ours.
    func clientName(for presented: String) async throws -> String? {
        guard let key = PrefixedKey(parsing: presented, prefix: Self.prefix),
            let credential = try await caches.clientKey(id: key.id, store),
            key.matches(storedHash: credential.secretHash)
        else { return nil }
        return credential.name
    }
}
