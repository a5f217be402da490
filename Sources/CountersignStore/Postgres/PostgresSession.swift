import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A value bound to one `?` of a statement; nil binds NULL.
typealias SQLValue = (any PostgresThrowingDynamicTypeEncodable)?

/// One connection inside one transaction, with the few ways the store asks things of it. Statements
/// are written with `?` placeholders, as the SQLite store's are, and numbered here (`$1`, `$2`, …).
///
/// Every statement is a round trip, and on the sign-in paths the round trips are most of what the
/// server spends: so a write whose answer nothing needs can wait (`later`) and go out with the
/// next statement that does, several of them as one, and the transaction's BEGIN waits for its
/// first statement too. A transaction that turns out to be only waiting writes sends them as one
/// statement with no BEGIN or COMMIT at all: one statement is atomic by itself.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    let pending: PendingStatements

    init(connection: PostgresConnection, logger: Logger, begin: String? = nil) {
        self.connection = connection
        self.logger = logger
        self.pending = PendingStatements(begin: begin)
    }

    /// Runs a statement and returns its rows. The writes waiting are sent first, so that it sees
    /// them; a read that cannot depend on them (it reads other rows) says `.mayWait` and leaves
    /// them waiting for the next statement.
    func rows(_ sql: String, _ values: [SQLValue] = [], waitingWrites: WaitingWrites = .sendFirst) async throws
        -> [PostgresRandomAccessRow]
    {
        var statements: [Statement] = []
        if let begin = pending.takeBegin() { statements.append(Statement(sql: begin, values: [])) }
        if waitingWrites == .sendFirst, let writes = waitingWritesAsOne() {
            // Handed over together only inside a transaction, where a write that fails aborts the
            // statements after it; with none, the statement must not run after a failed write.
            if pending.began { statements.append(writes) } else { _ = try await send([writes]) }
        }
        statements.append(Statement(sql: sql, values: values))
        return try await send(statements)
    }

    enum WaitingWrites {
        case sendFirst
        case mayWait
    }

    /// A write whose answer nobody needs, sent with the next statement that waits for one or at the
    /// commit. The writes that go out together are one statement, whose parts all see the database
    /// as it was before it and run in no set order: so a write to a table that a waiting write
    /// already changes sends the waiting ones first, and the writes of one statement never touch
    /// the same rows.
    func later(_ sql: String, _ values: [SQLValue] = []) async throws {
        let table = PendingStatements.table(written: sql)
        if pending.isWaiting(table: table) { try await flush() }
        pending.add(sql, values, table: table)
    }

    /// Sends the BEGIN if it has not gone yet, then every waiting write.
    func flush() async throws {
        var statements: [Statement] = []
        if let begin = pending.takeBegin() { statements.append(Statement(sql: begin, values: [])) }
        if let writes = waitingWritesAsOne() { statements.append(writes) }
        if !statements.isEmpty { _ = try await send(statements) }
    }

    /// Sends the waiting writes without the BEGIN: alone, only at the end of a transaction that
    /// never began.
    func flushWrites() async throws {
        if let writes = waitingWritesAsOne() { _ = try await send([writes]) }
    }

    /// The waiting writes as one statement, each in a `WITH` of its own; nil when none waits.
    private func waitingWritesAsOne() -> Statement? {
        let writes = pending.takeWrites()
        guard let only = writes.first else { return nil }
        guard writes.count > 1 else { return Statement(sql: only.sql, values: only.values) }
        let names = writes.indices.map { "w\($0)" }
        let sql =
            "WITH " + zip(names, writes).map { "\($0) AS (\($1.sql))" }.joined(separator: ", ") + " SELECT 1"
        return Statement(sql: sql, values: writes.flatMap(\.values))
    }

    /// Drops the waiting writes and, if the transaction began, rolls it back.
    func rollback() async throws {
        _ = pending.takeWrites()
        if pending.began { _ = try await send([Statement(sql: "ROLLBACK", values: [])]) }
    }

    struct Statement {
        let sql: String
        let values: [SQLValue]
    }

    /// Sends the statements one after another and returns the last one's rows. All are handed to
    /// the connection at once: it starts each as the one before ends, on its event loop, so a
    /// BEGIN before a read, or the waiting writes before a COMMIT, cost this task one wake-up,
    /// not one each (a wake-up is most of what a round trip costs the node). Every statement is
    /// seen through to its end, and the first that failed is the error: the ones after it failed
    /// only because it did (a transaction that is aborted refuses them; a COMMIT ends it).
    private func send(_ statements: [Statement]) async throws -> [PostgresRandomAccessRow] {
        var results: [EventLoopFuture<PostgresQueryResult>] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            var bindings = PostgresBindings(capacity: statement.values.count)
            for value in statement.values {
                if let value { try bindings.append(value) } else { bindings.appendNull() }
            }
            let query = PostgresQuery(unsafeSQL: Self.numberedCache.numbered(statement.sql), binds: bindings)
            results.append(connection.query(query, logger: logger))
        }
        let last: PostgresQueryResult
        if let only = results.first, results.count == 1 {
            last = try await only.get()
        } else {
            let settled = try await EventLoopFuture.whenAllComplete(results, on: connection.eventLoop).get()
            var answer: PostgresQueryResult?
            for result in settled { answer = try result.get() }
            guard let answer else { return [] }
            last = answer
        }
        return last.rows.map { $0.makeRandomAccess() }
    }
    func row(_ sql: String, _ values: [SQLValue] = [], waitingWrites: WaitingWrites = .sendFirst) async throws
        -> PostgresRandomAccessRow?
    {
        try await rows(sql, values, waitingWrites: waitingWrites).first
    }

    /// The first column of the first row, nil when there is no row or the value is NULL.
    func value<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ values: [SQLValue] = []) async throws -> T? {
        guard let row = try await row(sql, values), row[0].bytes != nil else { return nil }
        return try row[0].decode(T.self)
    }

    func execute(_ sql: String, _ values: [SQLValue] = []) async throws {
        _ = try await rows(sql, values)
    }

    /// Runs a statement ending in `RETURNING …` and tells how many rows it changed.
    func changes(_ sql: String, _ values: [SQLValue] = []) async throws -> Int {
        try await rows(sql, values).count
    }

    func fetch<Record: Decodable>(_ type: Record.Type, _ sql: String, _ values: [SQLValue] = []) async throws
        -> [Record]
    {
        try await rows(sql, values).map { try Record(from: PostgresRowDecoder(row: $0)) }
    }

    func fetchOne<Record: Decodable>(
        _ type: Record.Type, _ sql: String, _ values: [SQLValue] = [], waitingWrites: WaitingWrites = .sendFirst
    ) async throws -> Record? {
        try await row(sql, values, waitingWrites: waitingWrites).map { try Record(from: PostgresRowDecoder(row: $0)) }
    }

    /// The store's statements are a few dozen fixed strings (the auth log's filters add a few);
    /// each is numbered once.
    static let numberedCache = NumberedStatements()

    /// `?` becomes `$1`, `$2`, … outside quoted text and identifiers.
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// What a session has yet to send: its BEGIN, until the first statement that needs an answer, and
/// the writes waiting for one. A session's statements run one after another; the lock only makes it
/// safe to hand between tasks.
final class PendingStatements: Sendable {
    struct Write: @unchecked Sendable {
        let sql: String
        let values: [SQLValue]
        let table: String
    }

    private struct State {
        var begin: String?
        var began = false
        var writes: [Write] = []
    }

    private let state: Mutex<State>

    init(begin: String?) { state = Mutex(State(begin: begin)) }

    /// True once the BEGIN has gone: the transaction must then end with COMMIT or ROLLBACK.
    var began: Bool { state.withLock { $0.began } }

    func isWaiting(table: String) -> Bool { state.withLock { $0.writes.contains { $0.table == table } } }
    func add(_ sql: String, _ values: [SQLValue], table: String) {
        state.withLock { $0.writes.append(Write(sql: sql, values: values, table: table)) }
    }

    /// The table an INSERT, UPDATE or DELETE writes, lower-cased and unquoted; for anything else,
    /// the whole text, which then only ever waits alone with itself. Reads only the first three
    /// words, byte by byte: it runs for every waiting write, and splitting the whole statement into
    /// words was 5 % of a node's CPU under load.
    static func table(written sql: String) -> String {
        let words = firstWords(sql, count: 3)
        let name: Substring? =
            switch words.first?.lowercased() {
            case "update": words.count > 1 ? words[1] : nil
            case "insert", "delete":
                words.count > 2 && ["into", "from"].contains(words[1].lowercased()) ? words[2] : nil
            default: nil
            }
        guard let name else { return sql }
        let table = name.prefix { $0 != "(" }.filter { $0 != "\"" }.lowercased()
        return table.isEmpty ? sql : table
    }

    /// Up to `count` words from the start of `sql`, split at ASCII white space.
    private static func firstWords(_ sql: String, count: Int) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        var index = sql.utf8.startIndex
        while index < sql.utf8.endIndex, words.count < count {
            let byte = sql.utf8[index]
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if isSpace, let begun = start {
                words.append(sql[begun..<index])
                start = nil
            } else if !isSpace, start == nil {
                start = index
            }
            index = sql.utf8.index(after: index)
        }
        if let begun = start, words.count < count { words.append(sql[begun..<index]) }
        return words
    }

    func takeBegin() -> String? {
        state.withLock {
            guard let begin = $0.begin else { return nil }
            $0.begin = nil
            $0.began = true
            return begin
        }
    }

    func takeWrites() -> [Write] {
        state.withLock { state in
            defer { state.writes = [] }
            return state.writes
        }
    }
}

/// Statements as numbered once, by their `?` text. Bounded: a store never has more than a few
/// hundred distinct statements, and past the bound the cache starts again.
final class NumberedStatements: Sendable {
    private let cache = Mutex<[String: String]>([:])
    static let bound = 1024

    func numbered(_ sql: String) -> String {
        if let known = cache.withLock({ $0[sql] }) { return known }
        let numbered = PostgresSession.numbered(sql)
        cache.withLock {
            if $0.count >= Self.bound { $0.removeAll() }
            $0[sql] = numbered
        }
        return numbered
    }
}

// MARK: - Records

/// A record's table in PostgreSQL: its name and the column that identifies a row.
protocol PostgresTable: Codable {
    static var tableName: String { get }
    static var primaryKey: String { get }
    /// The key's value; nil for a row whose identity column the database has yet to assign.
    var primaryKeyValue: SQLValue { get }
}

extension PostgresSession {
    /// Inserts every column of the record; an identity key that is nil is left to the database,
    /// and the value it assigned is returned.
    @discardableResult
    func insert<Record: PostgresTable>(_ record: Record) async throws -> Int64? {
        let (sql, values) = try Self.insertion(record, returningKey: record.primaryKeyValue == nil)
        let rows = try await rows(sql, values)
        return record.primaryKeyValue == nil ? try rows.first?[0].decode(Int64.self) : nil
    }

    /// Inserts the record with the next statement that waits for an answer (`later`); a column
    /// in `computed` takes the SQL expression given instead of the record's value.
    func insertLater<Record: PostgresTable>(_ record: Record, computed: [String: String] = [:]) async throws {
        let (sql, values) = try Self.insertion(record, returningKey: false, computed: computed)
        try await later(sql, values)
    }

    private static func insertion<Record: PostgresTable>(
        _ record: Record, returningKey: Bool, computed: [String: String] = [:]
    ) throws -> (String, [SQLValue]) {
        let columns = try PostgresRecordEncoder.columns(of: record).filter {
            !($0.name == Record.primaryKey && $0.value == nil)
        }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let marks = columns.map { computed[$0.name] ?? "?" }.joined(separator: ", ")
        let sql =
            "INSERT INTO \"\(Record.tableName)\" (\(names)) VALUES (\(marks))"
            + (returningKey ? " RETURNING \"\(Record.primaryKey)\"" : "")
        return (sql, columns.filter { computed[$0.name] == nil }.map(\.value))
    }

    /// Writes every column of the record into its row.
    func update<Record: PostgresTable>(_ record: Record) async throws {
        let (sql, values) = try Self.updating(record)
        try await execute(sql, values)
    }

    /// `update`, sent with the next statement that waits for an answer.
    func updateLater<Record: PostgresTable>(_ record: Record) async throws {
        let (sql, values) = try Self.updating(record)
        try await later(sql, values)
    }

    private static func updating<Record: PostgresTable>(_ record: Record) throws -> (String, [SQLValue]) {
        let columns = try PostgresRecordEncoder.columns(of: record).filter { $0.name != Record.primaryKey }
        let assignments = columns.map { "\"\($0.name)\" = ?" }.joined(separator: ", ")
        return (
            "UPDATE \"\(Record.tableName)\" SET \(assignments) WHERE \"\(Record.primaryKey)\" = ?",
            columns.map(\.value) + [record.primaryKeyValue]
        )
    }

    func delete<Record: PostgresTable>(_ record: Record) async throws {
        try await execute(
            "DELETE FROM \"\(Record.tableName)\" WHERE \"\(Record.primaryKey)\" = ?", [record.primaryKeyValue])
    }

    /// One row by its key.
    func record<Record: PostgresTable>(
        _ type: Record.Type, key: SQLValue, waitingWrites: WaitingWrites = .sendFirst
    ) async throws -> Record? {
        try await fetchOne(
            Record.self, "SELECT * FROM \"\(Record.tableName)\" WHERE \"\(Record.primaryKey)\" = ?", [key],
            waitingWrites: waitingWrites)
    }
}
