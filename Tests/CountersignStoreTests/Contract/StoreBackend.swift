import CountersignCore
import Crypto
import Foundation
import Testing

@testable import CountersignStore

/// The backends the store contract runs against: every test in `Contract/` runs once for each.
/// A new backend adds a case here and passes the same suite.
///
/// PostgreSQL joins when `COUNTERSIGN_TEST_POSTGRES_URL` names a server: the README's test command
/// starts a throwaway one and sets it (and `COUNTERSIGN_REQUIRE_POSTGRES`, so that a run without
/// it fails rather than passing on SQLite alone).
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var allCases: [StoreBackend] { PostgresTestServer.location == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// The throwaway PostgreSQL server the test command started, if any. Each fixture gets a schema of
/// its own in it, so tests running side by side never see each other's rows.
enum PostgresTestServer {
    static let location: PostgresLocation? = ProcessInfo.processInfo.environment["COUNTERSIGN_TEST_POSTGRES_URL"]
        .flatMap { try? PostgresLocation(url: $0) }

    /// The whole suite runs at once on two cores: a connection may take longer than a server's
    /// five seconds to come.
    static let connectionWait = Duration.seconds(60)

    /// A new, empty schema; the location that opens it. Each is made on a connection of its own:
    /// with one pool shared by every fixture, a stall of that pool once failed every PostgreSQL
    /// test that was waiting on it, all at the same moment.
    static func freshSchema() async throws -> PostgresLocation {
        guard var location else { throw PostgresTestServerMissing() }
        let schema = "contract_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresDatabase.executeAlone(
            "CREATE SCHEMA \(schema)", at: location, logger: .init(label: "contract"), timeout: connectionWait)
        location.searchPath = schema
        return location
    }

    struct PostgresTestServerMissing: Error {}
}

/// A fresh, empty store of one backend, and what it takes to open the same data again as a
/// restarted server would.
struct ContractStore: Sendable {
    let backend: StoreBackend
    let masterKey: [UInt8]
    let store: any RegistryStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    private let location: Location

    /// Where the data lives; a folder is deleted when the last copy of the fixture goes (a schema
    /// goes with the throwaway server).
    final class Location: Sendable {
        let folder: URL
        let postgres: PostgresLocation?
        init(_ folder: URL, postgres: PostgresLocation?) {
            self.folder = folder
            self.postgres = postgres
        }
        var sqlitePath: String { folder.appendingPathComponent("countersign.sqlite").path }
        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    init(_ backend: StoreBackend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "countersign-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.backend = backend
        self.location = Location(
            folder, postgres: backend == .postgres ? try await PostgresTestServer.freshSchema() : nil)
        self.masterKey = SecretBox.generateMasterKey()
        self.store = try await Self.open(backend, location, masterKey: masterKey)
    }

    static func open(_ backend: StoreBackend, _ location: Location, masterKey: [UInt8], checkingKey: Bool = true)
        async throws -> any RegistryStore
    {
        let secrets = try SecretBox(masterKey: masterKey)
        switch backend {
        case .sqlite: return try SQLiteRegistryStore.open(path: location.sqlitePath, secrets: secrets)
        case .postgres:
            guard let postgres = location.postgres else { throw PostgresTestServer.PostgresTestServerMissing() }
            if checkingKey {
                return try await PostgresRegistryStore.open(
                    location: postgres, secrets: secrets, nodeName: "contract",
                    connectionWait: PostgresTestServer.connectionWait)
            }
            // As a node would be that skipped the start-up check, to show the secrets themselves
            // refuse another key.
            let database = try await PostgresDatabase.open(
                location: postgres, logger: .init(label: "contract"), connectionWait: PostgresTestServer.connectionWait)
            return PostgresRegistryStore(database: database, secrets: secrets, nodeName: "contract", pushLease: 10)
        }
    }

    /// The same data opened again, with this master key or another (past the start-up key check,
    /// which `ActivationStoreContract` tests on its own).
    func reopened(masterKey other: [UInt8]? = nil) async throws -> any RegistryStore {
        try await Self.open(backend, location, masterKey: other ?? masterKey, checkingKey: other == nil)
    }

    /// Opens the data again as another node with another master key would, start-up check included.
    func openedByNode(masterKey: [UInt8]) async throws -> any RegistryStore {
        try await Self.open(backend, location, masterKey: masterKey)
    }

    /// Another node on the same PostgreSQL data, with the same master key.
    func node(_ name: String, pushLease: TimeInterval = 10) async throws -> PostgresRegistryStore {
        guard let postgres = location.postgres else { throw PostgresTestServer.PostgresTestServerMissing() }
        return try await PostgresRegistryStore.open(
            location: postgres, secrets: SecretBox(masterKey: masterKey), nodeName: name, pushLease: pushLease,
            connectionWait: PostgresTestServer.connectionWait)
    }

    /// Provider "acme", activated, and an enabled user "alice" (with a US phone number).
    static func seeded(_ backend: StoreBackend) async throws -> ContractStore {
        let fixture = try await ContractStore(backend)
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
