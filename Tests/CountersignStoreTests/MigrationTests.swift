import CountersignCore
import CountersignStore
import Foundation
import GRDB
import Testing

@Suite("SQLite file and migrations")
struct MigrationTests {
    static let allMigrations = [
        "v1-registry", "v2-push-outbox", "v3-provider-push-credentials", "v4-push-sign-in", "v5-code-verification",
        "v6-hardware-tokens", "v7-app-passwords", "v8-phone-methods", "v9-reports",
        "v10-usage-counts", "v11-device-push-keys", "v12-bounded-push-admission",
        "v13-campaign-codes", "v14-admin-token-lifecycle", "v15-admin-audit", "v16-radius",
        "v17-code-throttle", "v18-token-imports",
    ]

    @Test("a fresh file gets every migration, WAL and foreign keys")
    func freshFile() throws {
        let fixture = try StoreFixture()
        let (pool, _) = try fixture.open()
        #expect(try SQLiteDatabase.appliedMigrations(in: pool) == Self.allMigrations)
        let (journal, foreignKeys, tables) = try pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(
            Set(tables).isSuperset(of: [
                "provider", "activation", "user", "device", "activation_code", "admin_token", "push_outbox",
                "relying_party", "challenge", "auth_log",
            ]))
    }

    @Test("reopening an existing file keeps its data and applies nothing twice")
    func reopen() async throws {
        let fixture = try StoreFixture()
        do {
            let (_, store) = try await fixture.seeded()
            #expect(try await store.users(page: PageRequest()).items.map(\.name) == ["alice"])
        }
        let (pool, store) = try fixture.open()
        #expect(try SQLiteDatabase.appliedMigrations(in: pool) == Self.allMigrations)
        #expect(try await store.users(page: PageRequest()).items.map(\.name) == ["alice"])
        #expect(try await store.currentActivation()?.provider == "acme")
    }

    @Test("the file itself refuses a change of billing model")
    func billingTrigger() async throws {
        let fixture = try StoreFixture()
        let (pool, _) = try await fixture.seeded()
        #expect(throws: DatabaseError.self) {
            try pool.write { db in try db.execute(sql: "UPDATE provider SET billing = 'per-authentication'") }
        }
        let billing = try await pool.read { db in try String.fetchOne(db, sql: "SELECT billing FROM provider") }
        #expect(billing == "per-user")
    }

    @Test("only one activation can be current")
    func oneCurrentActivation() async throws {
        let fixture = try StoreFixture()
        let (pool, store) = try await fixture.seeded()
        await #expect(throws: StoreError.alreadyActivated(provider: "acme")) {
            try await store.activate(providerName: "acme", serverKey: .init(), now: fixture.now)
        }
        #expect(throws: DatabaseError.self) {
            try pool.write { db in
                try db.execute(sql: "UPDATE activation SET is_current = 1")
                try db.execute(
                    sql: """
                        INSERT INTO activation (id, provider_id, server_public_key, server_private_key_sealed, is_current, created_at)
                        SELECT 'x', provider_id, server_public_key, server_private_key_sealed, 1, created_at FROM activation
                        """)
            }
        }
    }
}
