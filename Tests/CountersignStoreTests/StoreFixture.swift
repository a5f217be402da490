import CountersignCore
import CountersignStore
import Crypto
import Foundation
import GRDB

/// A SQLite store on a real file in a fresh temporary folder, for the tests of SQLite itself (the
/// file, migrations, row coding); what every backend must do is in `Contract/`.
struct StoreFixture {
    let folder: URL
    let path: String
    let masterKey = SecretBox.generateMasterKey()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("countersign-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("countersign.sqlite").path
    }

    func open() throws -> (DatabasePool, SQLiteRegistryStore) {
        let pool = try SQLiteDatabase.open(path: path)
        return (pool, SQLiteRegistryStore(pool: pool, secrets: try SecretBox(masterKey: masterKey)))
    }

    /// A provider, an activation and an enabled user.
    func seeded() async throws -> (DatabasePool, SQLiteRegistryStore) {
        let (pool, store) = try open()
        _ = try await store.createProvider(
            NewProvider(name: "acme", billing: .perUser, tenant: nil), now: now)
        _ = try await store.activate(providerName: "acme", serverKey: P256.Signing.PrivateKey(), now: now)
        _ = try await store.createUser(
            NewUser(name: "alice", firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
            now: now)
        return (pool, store)
    }

    func newDevice() -> NewDevice {
        NewDevice(
            platform: .pollOnly, pushToken: nil, environment: .production,
            publicKey: P256.Signing.PrivateKey().publicKey.x963Representation, oathSecret: SecureRandom.bytes(20),
            displayName: "phone")
    }
}
