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

    static func tokenRecord(serial: String, _ db: Database) throws -> HardwareTokenRecord {
        guard let record = try HardwareTokenRecord.fetchOne(db, key: serial) else {
            throw StoreError.tokenNotFound(serial)
        }
        return record
    }

}
