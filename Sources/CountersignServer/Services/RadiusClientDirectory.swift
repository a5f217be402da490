import CountersignCore
import CountersignStore
import Synchronization

/// The RADIUS clients, read once and kept until a change is published: every packet is matched
/// against them, so a read per packet would be the listener's largest cost.
public final class RadiusClientDirectory: Sendable {
    private let loaded = Mutex<[RadiusClient]?>(nil)
    private let store: any RadiusStore

    init(store: any RadiusStore) { self.store = store }

    /// The client whose network holds `address`; the narrowest block wins when several do.
    public func client(for address: [UInt8]) async throws -> RadiusClient? {
        let clients: [RadiusClient]
        if let cached = loaded.withLock({ $0 }) {
            clients = cached
        } else {
            clients = try await store.radiusClients()
            loaded.withLock { $0 = clients }
        }
        return clients.filter { $0.settings.network.contains(address) }
            .max { $0.settings.network.prefixLength < $1.settings.network.prefixLength }
    }

    func forget() { loaded.withLock { $0 = nil } }
}
