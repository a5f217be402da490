import CountersignCore
import Foundation
import GRDB

// Hardware tokens: bulk import, assignment, and checking their codes.
extension SQLiteRegistryStore {

    public func importTokens(_ seeds: [TokenSeed], now: Date) async throws -> Int {
        // Seal outside the write transaction: it is the slow part, and needs no database.
        let records = try tokenRecords(seeds, now: now)
        return try await pool.write { db in
            for record in records {
                do {
                    try record.insert(db)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    // The transaction rolls back: nothing from this import is kept.
                    throw StoreError.tokenExists(record.serial)
                }
            }
            return records.count
        }
    }

    public func tokens(user: String?, page: PageRequest) async throws -> Page<HardwareToken> {
        try await pool.read { db in
            var sql = """
                SELECT hardware_token.*, user.name AS user_name FROM hardware_token
                LEFT JOIN user ON user.id = hardware_token.user_id WHERE 1
                """
            var arguments: StatementArguments = []
            if let user {
                _ = try Self.userRecord(named: user, db)
                sql += " AND user.name = ?"
                _ = arguments.append(contentsOf: [user])
            }
            if let after = page.after {
                sql += " AND hardware_token.serial > ?"
                _ = arguments.append(contentsOf: [after])
            }
            sql += " ORDER BY hardware_token.serial LIMIT ?"
            _ = arguments.append(contentsOf: [page.limit + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                Self.tokenView(try HardwareTokenRecord(row: row), userName: row["user_name"])
            }
            return page.page(of: rows, key: \.serial)
        }
    }

    public func assignToken(serial: String, user name: String) async throws -> HardwareToken {
        try await pool.write { db in
            var token = try Self.tokenRecord(serial: serial, db)
            let user = try Self.userRecord(named: name, db)
            if let current = token.userId, current != user.id {
                let holder = try UserRecord.fetchOne(db, key: current)
                throw StoreError.tokenAssigned(serial: token.serial, user: holder?.name ?? "?")
            }
            token.userId = user.id
            try token.update(db)
            return Self.tokenView(token, userName: user.name)
        }
    }

    public func unassignToken(serial: String) async throws -> HardwareToken {
        try await pool.write { db in
            var token = try Self.tokenRecord(serial: serial, db)
            token.userId = nil
            try token.update(db)
            return Self.tokenView(token, userName: nil)
        }
    }

    public func deleteToken(serial: String) async throws {
        try await pool.write { db in
            let token = try Self.tokenRecord(serial: serial, db)
            try token.delete(db)
        }
    }

    // MARK: Imports in parts

    public func beginTokenImport(id: String, now: Date, expiresAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM token_import WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO token_import (id, created_at, expires_at) VALUES (?, ?, ?)",
                arguments: [id, now, expiresAt])
        }
    }

    public func stageTokens(_ seeds: [TokenSeed], importId: String, now: Date) async throws -> Int {
        let records = try tokenRecords(seeds, now: now)
        return try await pool.write { db in
            try Self.requireOpenImport(importId, now: now, db)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO token_import_token
                      (import_id, serial, kind, algorithm, digits, period, counter, secret_sealed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for record in records {
                do {
                    try insert.execute(arguments: [
                        importId, record.serial, record.kind, record.algorithm, record.digits, record.period,
                        record.counter, record.secretSealed,
                    ])
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw StoreError.tokenStagedTwice(record.serial)
                }
            }
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM token_import_token WHERE import_id = ?", arguments: [importId]) ?? 0
        }
    }

    public func commitTokenImport(id: String, now: Date) async throws -> Int {
        try await pool.write { db in
            try Self.requireOpenImport(id, now: now, db)
            if let taken = try String.fetchOne(
                db,
                sql: """
                    SELECT staged.serial FROM token_import_token AS staged
                    JOIN hardware_token ON hardware_token.serial = staged.serial
                    WHERE staged.import_id = ? ORDER BY staged.serial LIMIT 1
                    """, arguments: [id])
            {
                throw StoreError.tokenExists(taken)
            }
            try db.execute(
                sql: """
                    INSERT INTO hardware_token
                      (serial, kind, algorithm, digits, period, counter, secret_sealed, imported_at)
                    SELECT serial, kind, algorithm, digits, period, counter, secret_sealed, ?
                    FROM token_import_token WHERE import_id = ?
                    """, arguments: [now, id])
            let stored = db.changesCount
            try db.execute(sql: "DELETE FROM token_import WHERE id = ?", arguments: [id])
            return stored
        }
    }

    public func abandonTokenImport(id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM token_import WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw StoreError.tokenImportNotFound(id) }
        }
    }

    static func requireOpenImport(_ id: String, now: Date, _ db: Database) throws {
        guard
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM token_import WHERE id = ? AND expires_at >= ?", arguments: [id, now]) != nil
        else { throw StoreError.tokenImportNotFound(id) }
    }

    static func tokenRecord(serial: String, _ db: Database) throws -> HardwareTokenRecord {
        guard let record = try HardwareTokenRecord.fetchOne(db, key: serial) else {
            throw StoreError.tokenNotFound(serial)
        }
        return record
    }

}
