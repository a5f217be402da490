import CountersignCore
import CountersignStore
import Crypto
import Foundation
import Testing

/// The backends the store contract runs against: every test in `Contract/` runs once for each.
/// A new backend adds a case here and passes the same suite.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }
}

/// A fresh, empty store of one backend, and what it takes to open the same data again as a
/// restarted server would.
struct ContractStore: Sendable {
    let backend: StoreBackend
    let masterKey: [UInt8]
    let store: any RegistryStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    private let location: Location

    /// Where the data lives; deleted when the last copy of the fixture goes.
    final class Location: Sendable {
        let folder: URL
        init(_ folder: URL) { self.folder = folder }
        var sqlitePath: String { folder.appendingPathComponent("countersign.sqlite").path }
        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    init(_ backend: StoreBackend) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "countersign-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.backend = backend
        self.location = Location(folder)
        self.masterKey = SecretBox.generateMasterKey()
        self.store = try Self.open(backend, location, masterKey: masterKey)
    }

    static func open(_ backend: StoreBackend, _ location: Location, masterKey: [UInt8]) throws -> any RegistryStore {
        switch backend {
        case .sqlite: try SQLiteRegistryStore.open(path: location.sqlitePath, secrets: SecretBox(masterKey: masterKey))
        }
    }

    /// The same data opened again, with this master key or another.
    func reopened(masterKey other: [UInt8]? = nil) throws -> any RegistryStore {
        try Self.open(backend, location, masterKey: other ?? masterKey)
    }

    /// Provider "acme", activated, and an enabled user "alice" (with a US phone number).
    static func seeded(_ backend: StoreBackend) async throws -> ContractStore {
        let fixture = try ContractStore(backend)
        _ = try await fixture.store.createProvider(
            NewProvider(name: "acme", billing: .perUser, tenant: nil), now: fixture.now)
        _ = try await fixture.store.activate(
            providerName: "acme", serverKey: P256.Signing.PrivateKey(), now: fixture.now)
        _ = try await fixture.store.createUser(NewUser(name: "alice", phone: "+14155550100"), now: fixture.now)
        return fixture
    }

    var origin: AuthLogOrigin { AuthLogOrigin(serverName: "contract", serverIP: "127.0.0.1") }

    func newDevice(platform: DevicePlatform = .pollOnly, pushKey: [UInt8]? = nil) -> NewDevice {
        NewDevice(
            platform: platform, pushToken: platform == .pollOnly ? nil : String(repeating: "ab", count: 32),
            environment: .production, publicKey: P256.Signing.PrivateKey().publicKey.x963Representation,
            oathSecret: SecureRandom.bytes(20), pushKey: pushKey, displayName: "phone")
    }

    /// Pairs a device for `user` through an activation code, as a phone does; returns the device.
    func pair(_ user: String = "alice", _ device: NewDevice? = nil) async throws -> PairedDevice {
        let hash = SecretHash.sha256Hex(UUID().uuidString)
        try await store.createActivationCode(user: user, codeHash: hash, expiresAt: now + 600, now: now)
        return try await store.redeemActivationCode(codeHash: hash, device: device ?? newDevice(), now: now)
    }
}
