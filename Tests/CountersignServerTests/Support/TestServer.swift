import CountersignClient
import CountersignCore
import CountersignPhoneKit
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting

/// A server environment on a real SQLite file in a fresh folder, activated with provider "acme",
/// with user "alice" and an admin token.
struct TestServer {
    /// Removed once the last copy of this server (and of its restarts) is gone.
    let temporary: TemporaryFolder
    var folder: URL { temporary.url }
    let pool: DatabasePool
    let environment: ServerEnvironment
    let clock: ManualClock
    let adminToken: String
    let masterKey: [UInt8]

    var store: any RegistryStore { environment.store }
    var databasePath: String { folder.appendingPathComponent("countersign.sqlite").path }

    static func make(activated: Bool = true) async throws -> TestServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "countersign-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = try SQLiteDatabase.open(path: folder.appendingPathComponent("countersign.sqlite").path)
        let clock = ManualClock()
        let masterKey = SecretBox.generateMasterKey()
        let environment = try environment(pool: pool, masterKey: masterKey, clock: clock)
        let adminToken = try await AdminTokens(store: environment.store).issue(name: "test", now: clock.now())
        if activated {
            _ = try await environment.store.createProvider(
                CreateProviderRequest(name: "acme", billing: .perUser, tenant: nil), now: clock.now())
            _ = try await environment.store.activate(providerName: "acme", serverKey: .init(), now: clock.now())
        }
        _ = try await environment.store.createUser(
            CreateUserRequest(name: "alice", firstName: "Alice", lastName: nil, email: nil, phone: nil, country: nil),
            now: clock.now())
        return TestServer(
            temporary: TemporaryFolder(folder), pool: pool, environment: environment, clock: clock,
            adminToken: adminToken, masterKey: masterKey)
    }

    static func environment(pool: DatabasePool, masterKey: [UInt8], clock: ManualClock) throws -> ServerEnvironment {
        ServerEnvironment(
            store: SQLiteRegistryStore(pool: pool, secrets: try SecretBox(masterKey: masterKey)), clock: clock,
            settings: ServerSettings(serverName: "test", publicURL: URL(string: "http://127.0.0.1:1")!))
    }

    /// The same data folder and keys opened again, as a restarted server would: nothing in memory carries over.
    func restarted() throws -> TestServer {
        let pool = try SQLiteDatabase.open(path: databasePath)
        return TestServer(
            temporary: temporary, pool: pool,
            environment: try Self.environment(pool: pool, masterKey: masterKey, clock: clock),
            clock: clock, adminToken: adminToken, masterKey: masterKey)
    }

    func makeApplication() -> some ApplicationProtocol {
        Application(
            router: CountersignRouter.make(environment: environment),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    var adminHeaders: HTTPFields { [.authorization: "Bearer \(adminToken)", .contentType: "application/json"] }

    /// A fresh activation code for `user`, made through the store as the admin route does.
    func pairingCode(for user: String = "alice", validFor: TimeInterval = 600) async throws -> String {
        let code = Base32.encode(SecureRandom.bytes(20))
        try await store.createActivationCode(
            user: user, codeHash: SecretHash.sha256Hex(code), expiresAt: clock.now().addingTimeInterval(validFor),
            now: clock.now())
        return code
    }

    func deviceCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device") ?? 0 }
    }

    func userCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0 }
    }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
}

extension TestResponse {
    /// The `error.code` of an API error body.
    var errorCode: String? {
        try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)).error.code
    }

    var errorMessage: String? {
        try? JSONDecoder().decode(ErrorBody.self, from: Data(body.readableBytesView)).error.message
    }
}

/// A folder that deletes itself when the last reference to it goes.
final class TemporaryFolder: Sendable {
    let url: URL
    init(_ url: URL) { self.url = url }
    deinit { try? FileManager.default.removeItem(at: url) }
}
