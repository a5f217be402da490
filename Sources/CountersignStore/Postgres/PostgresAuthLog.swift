import CountersignCore
import Foundation

// The auth log and the usage counters kept with it.
extension PostgresRegistryStore {
    /// Appends a row inside the caller's transaction, copying the user's details as they are now.
    /// Both writes wait for the transaction's next statement (`later`): nothing reads them back,
    /// and the provider is named by a subquery rather than a read of its own.
    static func appendLog(_ s: PostgresSession, _ line: AuthLogLine, origin: AuthLogOrigin, now: Date) async throws {
        try await s.insertLater(
            AuthLogRecord(line, origin: origin, provider: nil, now: now), computed: ["provider": currentProviderName])
        guard line.outcome != "refused" else { return }
        try await s.later(
            """
            INSERT INTO usage_count (month, provider, mode, result, count)
            VALUES (?, COALESCE(\(currentProviderName), ''), ?, ?, 1)
            ON CONFLICT (month, provider, mode, result) DO UPDATE SET count = usage_count.count + 1
            """, [ReportMonth(containing: now).description, line.mode, line.result.rawValue])
    }

    /// The current activation's provider, as an SQL expression (NULL when there is none).
    static let currentProviderName =
        "(SELECT provider.name FROM activation JOIN provider ON provider.id = activation.provider_id WHERE activation.is_current)"

    /// Writes the row for an attempt refused before anything was asked of the user.
    static func logRefusal(
        _ s: PostgresSession, _ refusal: AuthRefusal, user: UserRecord?, userName: String, mode: AuthMethod,
        application: String?, clientIP: String?, transactionId: String?, relyingParty: String,
        origin: AuthLogOrigin, now: Date
    ) async throws {
        try await appendLog(
            s,
            AuthLogLine(
                user: user, userName: userName, mode: mode.rawValue, result: .denied, outcome: "refused",
                reason: refusal.description, application: application, clientIP: clientIP,
                transactionId: transactionId, relyingParty: relyingParty),
            origin: origin, now: now)
    }

    public func authLog(_ filter: AuthLogFilter) async throws -> AuthLogSlice {
        let limit = min(max(filter.limit, 1), Self.maxAuthLogPage)
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let user = filter.user {
            conditions.append("user_name = ?")
            values.append(user)
        }
        if let since = filter.since {
            conditions.append("time >= ?")
            values.append(since)
        }
        if let until = filter.until {
            conditions.append("time < ?")
            values.append(until)
        }
        if let result = filter.result {
            conditions.append("result = ?")
            values.append(result.rawValue)
        }
        if let before = filter.before {
            conditions.append("id < ?")
            values.append(before)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // One more than asked tells whether another page exists.
        let sql = "SELECT * FROM auth_log \(whereClause) ORDER BY id DESC LIMIT \(limit + 1)"
        let bound = SendableValues(values)
        return try await database.read { s in
            let rows = try await s.fetch(AuthLogRecord.self, sql, bound.values)
            let page = rows.prefix(limit).map(Self.logEntry)
            return AuthLogSlice(entries: page, nextBefore: rows.count > limit ? page.last?.id : nil)
        }
    }

    public func pruneAuthLog(before: Date, now: Date) async throws -> LogPruning {
        let cutoff = min(before, ReportMonth(containing: now).start)
        // In chunks: a year of log is not one transaction holding millions of row locks. Any number
        // of nodes may prune at once; each deletes what it finds, and a row goes once.
        var deleted = 0
        while true {
            let chunk = try await database.locked { s in
                try await s.changes(
                    """
                    DELETE FROM auth_log WHERE id IN (
                      SELECT id FROM auth_log WHERE time < ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                    """, [cutoff, Self.pruneChunk])
            }
            deleted += chunk
            if chunk < Self.pruneChunk { break }
        }
        return LogPruning(deleted: deleted, before: cutoff)
    }

    static var pruneChunk: Int { 5000 }

    public func rebuildUsageCounts() async throws {
        try await database.write { s in try await s.execute(PostgresMigrations.rebuildUsageCounts) }
    }

    // MARK: The admin audit trail

    public func appendAudit(_ entry: AdminAuditEntry) async throws {
        try await database.write { s in
            try await s.execute(
                "INSERT INTO admin_audit (time, token_name, action, target, address, status) VALUES (?, ?, ?, ?, ?, ?)",
                [entry.time, entry.tokenName, entry.action, entry.target, entry.address, entry.status])
        }
    }

    public func audit(since: Date?, limit: Int) async throws -> [AdminAuditEntry] {
        try await database.read { s in
            try await s.rows(
                """
                SELECT time, token_name, action, target, address, status FROM admin_audit
                WHERE time >= ? ORDER BY id DESC LIMIT ?
                """, [since ?? .distantPast, min(max(limit, 1), 1000)]
            ).map {
                AdminAuditEntry(
                    time: try $0[0].decode(Date.self), tokenName: try $0[1].decode(String.self),
                    action: try $0[2].decode(String.self), target: try $0[3].decode(String?.self),
                    address: try $0[4].decode(String?.self), status: try $0[5].decode(Int.self))
            }
        }
    }
}

/// Bound values built before a transaction, handed to it: they are plain strings, dates and
/// numbers, never changed once built.
struct SendableValues: @unchecked Sendable {
    let values: [SQLValue]
    init(_ values: [SQLValue]) { self.values = values }
}
