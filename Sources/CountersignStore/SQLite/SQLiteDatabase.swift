import Foundation
import GRDB

/// Opens the server's SQLite file: WAL journal, foreign keys, a busy timeout, and migrations to the
/// latest schema.
public enum SQLiteDatabase {
    public static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "countersign"
        configuration.prepareDatabase { db in
            // Every commit reaches the disk before it is acknowledged: a pairing or a queued push
            // that the API accepted survives a crash or power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Migrations.makeMigrator().migrate(pool)
        return pool
    }

    /// Names of the migrations applied to a database, for diagnostics and tests.
    public static func appliedMigrations(in pool: DatabasePool) throws -> [String] {
        try pool.read { db in try Migrations.makeMigrator().appliedMigrations(db) }
    }
}
