import CountersignCore
import CountersignStore
import Crypto
import Synchronization

/// What every sign-in would otherwise read from SQLite: the current activation, the client key
/// that authenticates each auth request, and the public keys of the phones that answer. A profile
/// of the server (BENCHMARKS.md) put its reads at about 15 % of its CPU.
///
/// No cache can make a decision wrong. A stale activation is caught by the store, which checks
/// the activation inside the sign-in's transaction and answers `activationChanged`; the sign-in
/// then forgets the cache and tries again. A client key is re-verified against its hash on every
/// request, and deleting a client empties the cache before the delete is answered. A device's
/// public key never changes for its id (re-pairing makes a new device), and whether the device
/// still counts is checked by the store inside the request's own transaction.
final class RequestCaches: Sendable {
    private let activation = Mutex<Activation?>(nil)
    private let clientKeys = Mutex<[String: (name: String, secretHash: String)]>([:])
    private let deviceKeys = Mutex<[String: P256.Signing.PublicKey]>([:])
    /// Enough for every client of a large organisation; beyond it the cache starts again.
    static let maxClientKeys = 10_000
    /// About 15 MB at most; beyond it the cache starts again.
    static let maxDeviceKeys = 100_000

    func currentActivation(_ store: any ActivationStore) async throws -> Activation? {
        if let cached = activation.withLock({ $0 }) { return cached }
        let current = try await store.currentActivation()
        activation.withLock { $0 = current }
        return current
    }

    /// After an activation or re-activation, or when the store said the cached one is no longer current.
    func forgetActivation() { activation.withLock { $0 = nil } }

    func clientKey(id: String, _ store: any CredentialStore) async throws -> (name: String, secretHash: String)? {
        if let cached = clientKeys.withLock({ $0[id] }) { return cached }
        guard let credential = try await store.relyingPartyCredential(id: id) else { return nil }
        clientKeys.withLock { keys in
            if keys.count >= Self.maxClientKeys { keys.removeAll() }
            keys[id] = credential
        }
        return credential
    }

    /// After a client is deleted: its key must stop working with the next request.
    func forgetClientKeys() { clientKeys.withLock { $0.removeAll() } }

    func devicePublicKey(id: String) -> P256.Signing.PublicKey? { deviceKeys.withLock { $0[id] } }

    /// A removed device's key is of no further use; whether it counts is checked by the store anyway.
    func forgetDevicePublicKey(id: String) { _ = deviceKeys.withLock { $0.removeValue(forKey: id) } }

    func rememberDevicePublicKey(_ key: P256.Signing.PublicKey, id: String) {
        deviceKeys.withLock { keys in
            if keys.count >= Self.maxDeviceKeys { keys.removeAll() }
            keys[id] = key
        }
    }
}
