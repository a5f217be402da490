import CountersignCore
import Foundation
import GRDB

// Usage, billing and retention over the auth log and the registry.
extension SQLiteRegistryStore {
    public func setLicense(user name: String, licensed: Bool) async throws -> User {
        try await pool.write { db in
            var record = try Self.userRecord(named: name, db)
            record.licensed = licensed
            try record.update(db)
            return try Self.userView(record, db)
        }
    }

    public func usage(month: ReportMonth, now: Date) async throws -> UsageMonth {
        let start = month.start
        let end = month.end
        return try await pool.read { db in
            // The provider linked at the month's end (or now, for the current month) has the users.
            let at = min(end, now)
            let linked = try Int64.fetchOne(
                db,
                sql: """
                    SELECT provider_id FROM activation WHERE created_at <= ?
                    AND (superseded_at IS NULL OR superseded_at >= ?) ORDER BY created_at DESC LIMIT 1
                    """, arguments: [at, at])
            // Configured for MFA: enabled, existing before the month ended, and holding a factor.
            let users = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*), COALESCE(SUM(licensed), 0) FROM user
                    WHERE created_at < ? AND status = 'enabled' AND (
                      phone IS NOT NULL
                      OR EXISTS (SELECT 1 FROM device WHERE device.user_id = user.id AND device.created_at < ?
                                 AND device.status != 'removed')
                      OR EXISTS (SELECT 1 FROM hardware_token WHERE hardware_token.user_id = user.id)
                      OR EXISTS (SELECT 1 FROM app_password WHERE app_password.user_id = user.id))
                    """, arguments: [end, end])
            let configured: Int = users?[0] ?? 0
            let licensed: Int = users?[1] ?? 0

            var verifications: [String: [VerificationCount]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, mode, result, count FROM usage_count WHERE month = ?
                    ORDER BY provider, mode, result
                    """, arguments: [month.description])
            {
                let provider: String = row[0] ?? ""
                verifications[provider, default: []].append(
                    VerificationCount(method: row[1], result: AuthLogResult(stored: row[2]), count: row[3]))
            }
            var sends: [String: [PhoneSendCount]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, country, method, COUNT(*) FROM phone_challenge
                    WHERE created_at >= ? AND created_at < ? GROUP BY provider, country, method
                    ORDER BY provider, country, method
                    """, arguments: [start, end])
            {
                let provider: String = row[0] ?? ""
                sends[provider, default: []].append(PhoneSendCount(country: row[1], method: row[2], count: row[3]))
            }

            let providers = try ProviderRecord.order(Column("name")).fetchAll(db).compactMap {
                Self.providerMonthUsage(
                    $0, linkedProviderId: linked, configured: configured, licensed: licensed,
                    verifications: verifications[$0.name] ?? [], phoneSends: sends[$0.name] ?? [])
            }
            return UsageMonth(month: month.description, providers: providers)
        }
    }

    public func pruneAuthLog(before: Date, now: Date) async throws -> LogPruning {
        let cutoff = min(before, ReportMonth(containing: now).start)
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM auth_log WHERE time < ?", arguments: [cutoff])
            return LogPruning(deleted: db.changesCount, before: cutoff)
        }
    }

    public func rebuildUsageCounts() async throws {
        try await pool.write { db in try db.execute(sql: Migrations.rebuildUsageCounts) }
    }
}
