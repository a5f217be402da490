import CountersignCore
import Foundation
import GRDB

// The admin audit trail.
extension SQLiteRegistryStore {
    public func appendAudit(_ entry: AdminAuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO admin_audit (time, token_name, action, target, address, status)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [entry.time, entry.tokenName, entry.action, entry.target, entry.address, entry.status])
        }
    }

    public func audit(since: Date?, limit: Int) async throws -> [AdminAuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT time, token_name, action, target, address, status FROM admin_audit
                    WHERE time >= ? ORDER BY id DESC LIMIT ?
                    """, arguments: [since ?? .distantPast, min(max(limit, 1), 1000)]
            ).map {
                AdminAuditEntry(
                    time: $0[0], tokenName: $0[1], action: $0[2], target: $0[3], address: $0[4], status: $0[5])
            }
        }
    }
}
