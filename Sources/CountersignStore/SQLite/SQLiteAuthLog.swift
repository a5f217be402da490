import CountersignCore
import Foundation
import GRDB

/// One auth-log row before the server's name, the provider and the time are added.
struct AuthLogLine {
    var user: UserRecord?
    var userName: String
    var deviceToken: String? = nil
    var mode: String
    var result: AuthLogResult
    var outcome: String
    var reason: String?
    var application: String?
    var clientIP: String?
    var transactionId: String?
    var relyingParty: String?
}

extension SQLiteRegistryStore {

    /// Appends a row inside the caller's transaction, copying the user's details as they are now.
    static func appendLog(_ db: Database, _ line: AuthLogLine, origin: AuthLogOrigin, now: Date) throws {
        let provider = try String.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT provider.name FROM activation JOIN provider ON provider.id = activation.provider_id WHERE activation.is_current"
            ))
        let record = AuthLogRecord(line, origin: origin, provider: provider, now: now)
        try record.insert(db)
        guard line.outcome != "refused" else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO usage_count (month, provider, mode, result, count) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (month, provider, mode, result) DO UPDATE SET count = count + 1
                """
        ).execute(arguments: [
            ReportMonth(containing: now).description, provider ?? "", line.mode, line.result.rawValue,
        ])
    }

    /// Writes the row for an attempt refused before anything was asked of the user.
    static func logRefusal(
        _ db: Database, _ refusal: AuthRefusal, user: UserRecord?, userName: String, mode: AuthMethod,
        application: String?, clientIP: String?, transactionId: String?, relyingParty: String,
        origin: AuthLogOrigin, now: Date
    ) throws {
        try appendLog(
            db,
            AuthLogLine(
                user: user, userName: userName, mode: mode.rawValue, result: .denied, outcome: "refused",
                reason: refusal.description, application: application, clientIP: clientIP,
                transactionId: transactionId, relyingParty: relyingParty),
            origin: origin, now: now)
    }

    /// The user a sign-in names, if there is one (a cached statement: it is on every sign-in's path).
    static func user(named name: String, _ db: Database) throws -> UserRecord? {
        try UserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE name = ?"), arguments: [name])
    }

    public func authLog(_ filter: AuthLogFilter) async throws -> AuthLogSlice {
        let limit = min(max(filter.limit, 1), Self.maxAuthLogPage)
        return try await pool.read { db in
            var request = AuthLogRecord.all()
            if let user = filter.user { request = request.filter(Column("user_name").collating(.nocase) == user) }
            if let since = filter.since { request = request.filter(Column("time") >= since) }
            if let until = filter.until { request = request.filter(Column("time") < until) }
            if let result = filter.result { request = request.filter(Column("result") == result.rawValue) }
            if let before = filter.before { request = request.filter(Column("id") < before) }
            // One more than asked tells whether another page exists.
            let rows = try request.order(Column("id").desc).limit(limit + 1).fetchAll(db)
            let page = rows.prefix(limit).map(Self.logEntry)
            return AuthLogSlice(entries: page, nextBefore: rows.count > limit ? page.last?.id : nil)
        }
    }

}
