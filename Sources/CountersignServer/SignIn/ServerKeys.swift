import CountersignStore
import Crypto

/// The activations' signing keys, unsealed once and kept for the life of the process.
actor ServerKeys {
    private let store: any ActivationStore
    private var keys: [String: P256.Signing.PrivateKey] = [:]

    init(store: any ActivationStore) {
        self.store = store
    }

    func key(for activationId: String) async throws -> P256.Signing.PrivateKey {
        if let key = keys[activationId] { return key }
        let key = try await store.serverSigningKey(activationId: activationId)
        keys[activationId] = key
        return key
    }
}
