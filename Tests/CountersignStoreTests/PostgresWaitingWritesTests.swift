import Foundation
import Testing

@testable import CountersignStore

/// The session's writes that wait (`later`) must keep every promise a plain statement keeps: seen by
/// the transaction's next read, kept or lost with the rest of the transaction, and in order when two
/// touch one row: writes to different tables wait together, and a second write to a table sends
/// the first before it.
@Suite("PostgreSQL sessions: writes that wait for the next statement", .enabled(if: PostgresTestServer.location != nil))
struct PostgresWaitingWritesTests {
    /// A database in a schema of its own, with one table to write in.
    static func database() async throws -> PostgresDatabase {
        let location = try await PostgresTestServer.freshSchema()
        let database = PostgresDatabase(
            location: location, logger: .init(label: "waiting-writes"),
            connectionWait: PostgresTestServer.connectionWait)
        try await database.write { s in
            try await s.execute(
                "CREATE TABLE item (id INT PRIMARY KEY, note TEXT NOT NULL, hits INT NOT NULL DEFAULT 0)")
            try await s.execute("CREATE TABLE other (id INT PRIMARY KEY)")
        }
        return database
    }

    static func notes(_ database: PostgresDatabase) async throws -> [String] {
        try await database.read { s in
            try await s.rows("SELECT note FROM item ORDER BY id").map { try $0[0].decode(String.self) }
        }
    }

    @Test("a write's table is read from its text, quoted or not")
    func tables() {
        #expect(PendingStatements.table(written: "INSERT INTO \"auth_log\" (a) VALUES (?)") == "auth_log")
        #expect(PendingStatements.table(written: "UPDATE device SET x = ?") == "device")
        #expect(PendingStatements.table(written: " delete  from push_outbox WHERE id = ?") == "push_outbox")
        #expect(PendingStatements.table(written: "INSERT INTO usage_count(month) VALUES (?)") == "usage_count")
        #expect(PendingStatements.table(written: "SELECT 1") == "SELECT 1")
        #expect(PendingStatements.table(written: "\n  UPDATE\t\"User\"\nSET x = ?") == "user")
        #expect(PendingStatements.table(written: "INSERT INTO") == "INSERT INTO")
        #expect(PendingStatements.table(written: "DELETE push_outbox") == "DELETE push_outbox")
    }

    @Test("a read in the same transaction sees the writes waiting before it")
    func readSeesWaitingWrites() async throws {
        let database = try await Self.database()
        let seen = try await database.locked { s in
            try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [1, "one"])
            try await s.later("UPDATE item SET hits = hits + 1 WHERE id = ?", [1])
            return try await s.value(Int.self, "SELECT hits FROM item WHERE id = ?", [1])
        }
        #expect(seen == 1)
        #expect(try await Self.notes(database) == ["one"])
    }

    @Test("waiting writes that fail at the commit take the whole transaction with them")
    func failureAtCommitRollsBackEverything() async throws {
        let database = try await Self.database()
        try await database.locked { s in try await s.execute("INSERT INTO item (id, note) VALUES (1, 'kept')") }
        await #expect(throws: PostgresRefusal.self) {
            try await database.locked { s in
                try await s.execute("UPDATE item SET note = 'changed' WHERE id = 1")
                try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [2, "two"])
                // The same key again: refused when the waiting writes go out with the commit.
                try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [1, "again"])
            }
        }
        #expect(try await Self.notes(database) == ["kept"])
    }

    @Test("with no transaction, a statement after a waiting write that failed does not run")
    func noTransactionStopsAtAFailedWrite() async throws {
        let database = try await Self.database()
        try await database.locked { s in try await s.execute("INSERT INTO item (id, note) VALUES (1, 'kept')") }
        await #expect(throws: PostgresRefusal.self) {
            try await database.autocommit { s in
                try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [1, "the same key"])
                try await s.execute("INSERT INTO other (id) VALUES (?)", [7])
            }
        }
        let others = try await database.read { s in try await s.value(Int.self, "SELECT COUNT(*) FROM other") }
        #expect(others == 0)
    }

    @Test("a transaction of waiting writes alone is one statement, all or nothing")
    func onlyWaitingWritesAreOneStatement() async throws {
        let database = try await Self.database()
        try await database.locked { s in
            try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [1, "one"])
            try await s.later("INSERT INTO other (id) VALUES (?)", [1])
        }
        #expect(try await Self.notes(database) == ["one"])
        await #expect(throws: PostgresRefusal.self) {
            try await database.locked { s in
                try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [2, "two"])
                try await s.later("INSERT INTO other (id) VALUES (?)", [1])
            }
        }
        #expect(try await Self.notes(database) == ["one"])
    }

    @Test("waiting writes to one table go out in order, so every change of one row counts")
    func sameStatementTwiceKeepsItsOrder() async throws {
        let database = try await Self.database()
        try await database.locked { s in try await s.execute("INSERT INTO item (id, note) VALUES (1, 'n')") }
        try await database.locked { s in
            for _ in 0..<3 { try await s.later("UPDATE item SET hits = hits + 1 WHERE id = ?", [1]) }
        }
        let hits = try await database.read { s in try await s.value(Int.self, "SELECT hits FROM item WHERE id = 1") }
        #expect(hits == 3)
    }

    @Test("an error thrown by the work drops the waiting writes")
    func thrownErrorDropsWaitingWrites() async throws {
        struct Refused: Error {}
        let database = try await Self.database()
        await #expect(throws: Refused.self) {
            try await database.locked { s in
                try await s.later("INSERT INTO item (id, note) VALUES (?, ?)", [1, "one"])
                throw Refused()
            }
        }
        #expect(try await Self.notes(database).isEmpty)
    }
}
