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
    /// A second connection to the file, for the tests that check what is at rest (hashes and sealed
    /// secrets, never the plain values); everything else is checked through the store or the API.
    let pool: DatabasePool
    let built: CountersignApplication
    var environment: ServerEnvironment { built.environment }
    let clock: ManualClock
    let adminToken: String
    let masterKey: [UInt8]

    var store: any RegistryStore { environment.store }
    var databasePath: String { folder.appendingPathComponent("countersign.sqlite").path }

    static func make(
        activated: Bool = true, backgroundServices: Set<ServerConfiguration.BackgroundService> = [],
        logRetentionDays: Int = 0, metricsToken: String? = nil
    ) async throws -> TestServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "countersign-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = ManualClock()
        let masterKey = SecretBox.generateMasterKey()
        let built = try build(
            folder: folder, masterKey: masterKey, clock: clock, backgroundServices: backgroundServices,
            logRetentionDays: logRetentionDays, metricsToken: metricsToken)
        let environment = built.environment
        let adminToken = try await AdminTokens(store: environment.store).issue(name: "test", now: clock.now())
        if activated {
            _ = try await environment.store.createProvider(
                NewProvider(name: "acme", billing: .perUser, tenant: nil), now: clock.now())
            _ = try await Administration(environment: environment).activate(provider: "acme")
        }
        _ = try await environment.store.createUser(
            NewUser(name: "alice", firstName: "Alice", lastName: nil, email: nil, phone: nil, country: nil),
            now: clock.now())
        return TestServer(
            temporary: TemporaryFolder(folder), pool: try SQLiteDatabase.open(path: databasePath(folder)),
            built: built, clock: clock, adminToken: adminToken, masterKey: masterKey)
    }

    static func databasePath(_ folder: URL) -> String { folder.appendingPathComponent("countersign.sqlite").path }

    /// The server as the executable builds it, through the one composition root, on this folder.
    static func build(
        folder: URL, masterKey: [UInt8], clock: ManualClock,
        backgroundServices: Set<ServerConfiguration.BackgroundService>,
        logRetentionDays: Int, metricsToken: String? = nil
    ) throws -> CountersignApplication {
        var configuration = ServerConfiguration(
            storage: .sqlite(path: databasePath(folder)), masterKey: masterKey,
            settings: ServerSettings(
                serverName: "test", publicURL: URL(string: "http://127.0.0.1:1")!, metricsToken: metricsToken),
            clock: clock,
            logRetentionDays: logRetentionDays, backgroundServices: backgroundServices)
        configuration.intervals.challengeSweep = .milliseconds(50)
        configuration.intervals.logRetention = .milliseconds(50)
        return try CountersignApplication.build(configuration)
    }

    /// The same data folder and keys opened again, as a restarted server would: nothing in memory carries over.
    func restarted() throws -> TestServer {
        let built = try Self.build(
            folder: folder, masterKey: masterKey, clock: clock,
            backgroundServices: Set(self.built.configuration.backgroundServices),
            logRetentionDays: self.built.configuration.logRetentionDays)
        return TestServer(
            temporary: temporary, pool: try SQLiteDatabase.open(path: databasePath), built: built, clock: clock,
            adminToken: adminToken, masterKey: masterKey)
    }

    /// The HTTP application with the background services this server was made with.
    func makeApplication() throws -> any ApplicationProtocol {
        try built.makeHTTPApplication()
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
        try await store.devices(user: nil, page: PageRequest()).items.count
    }

    func userCount() async throws -> Int {
        try await store.counts().users
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
