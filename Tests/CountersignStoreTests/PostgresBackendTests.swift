import CountersignCore
import Foundation
import Testing

@testable import CountersignStore

@Suite("PostgreSQL backend: start-up, URLs and several nodes on one database")
struct PostgresBackendTests {
    @Test("the test command runs the contract on PostgreSQL, not on SQLite alone")
    func postgresIsThere() {
        guard ProcessInfo.processInfo.environment["COUNTERSIGN_REQUIRE_POSTGRES"] == "1" else { return }
        #expect(StoreBackend.allCases.contains(.postgres), "COUNTERSIGN_TEST_POSTGRES_URL is missing or unusable")
    }

    @Test("database URLs are read whole, and a bad one is refused with what is wrong")
    func urls() throws {
        let location = try PostgresLocation(url: "postgres://cs:p%40ss@db.example:6432/countersign?sslmode=require")
        #expect(location.host == "db.example" && location.port == 6432 && location.user == "cs")
        #expect(location.password == "p@ss" && location.database == "countersign" && location.tls == .require)
        #expect(location.description == "postgres://cs@db.example:6432/countersign")
        #expect(try PostgresLocation(url: "postgresql://cs@localhost/db").tls == .prefer)
        #expect(
            try PostgresLocation(url: "postgres://cs@h/db?sslrootcert=/etc/ca.pem").rootCertificates == "/etc/ca.pem")
        // A Unix socket, as libpq names one: the directory in `host`, the URL's own host optional.
        let socket = try PostgresLocation(url: "postgres://cs:pw@/countersign?host=/run/postgresql&search_path=a")
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432" && socket.tls == .disable)
        #expect(socket.description == "postgres://cs@localhost:5432/countersign?search_path=a&host=/run/postgresql")
        #expect(try PostgresLocation(url: "postgres://cs@db:6000/d?host=/tmp/pg").socketPath == "/tmp/pg/.s.PGSQL.6000")
        #expect(try PostgresLocation(url: "postgres://cs@db/d").socketPath == nil)
        for (url, why) in [
            ("postgres://cs@/db?host=run/pg", "absolute path of the directory"),
            ("postgres://cs@/db?host=/run/../etc", "absolute path of the directory"),
            ("postgres://cs@/db?host=/run/pg&sslmode=require", "no TLS"),
            ("postgres://cs@/db", "no host"),
            ("mysql://cs@localhost/db", "scheme"), ("postgres://localhost/db", "no user"),
            ("postgres://cs@localhost", "no database"), ("postgres://cs@localhost/db?sslmode=maybe", "sslmode"),
            ("postgres://cs@localhost/db?search_path=a;drop", "search_path"),
            ("postgres://cs@localhost/db?timeout=3", "'timeout'"),
            ("postgres://cs@localhost/db?sslrootcert=ca.pem", "absolute path"),
            ("postgres://cs@localhost/db?sslmode=disable&sslrootcert=/ca.pem", "needs sslmode"),
            ("postgres://cs@localhost:99999/db", "URL"),
            ("postgres://cs@localhost/" + String(repeating: "d", count: 3000), "longer"),
        ] {
            #expect {
                try PostgresLocation(url: url)
            } throws: { error in
                "\(error)".contains(why) && "\(error)".contains("database URL")
            }
        }
    }

    @Test(
        "a node whose master key cannot open the database's secrets refuses to start",
        .enabled(if: PostgresTestServer.location != nil))
    func masterKeyMismatch() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        _ = try await fixture.openedByNode(masterKey: fixture.masterKey)
        await #expect(throws: StoreError.masterKeyMismatch) {
            try await fixture.openedByNode(masterKey: SecretBox.generateMasterKey())
        }
    }

    @Test("an unreachable database is reported as unavailable, naming it without its password")
    func unreachable() async throws {
        let location = try PostgresLocation(url: "postgres://cs:secret@127.0.0.1:1/countersign?sslmode=disable")
        do {
            _ = try await PostgresRegistryStore.open(
                location: location, secrets: SecretBox(masterKey: SecretBox.generateMasterKey()), nodeName: "n")
            Issue.record("a database on port 1 opened")
        } catch let error as StoreError {
            guard case .databaseUnavailable(let why) = error else { throw error }
            #expect(why.contains("127.0.0.1:1") && !why.contains("secret"))
        }
    }
}
