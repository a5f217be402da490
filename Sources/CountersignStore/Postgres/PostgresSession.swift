import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A value bound to one `?` of a statement; nil binds NULL.
typealias SQLValue = (any PostgresThrowingDynamicTypeEncodable)?

/// One connection inside one transaction, with the few ways the store asks things of it. Statements
/// are written with `?` placeholders, as the SQLite store's are, and numbered here (`$1`, `$2`, …).
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ sql: String, _ values: [SQLValue] = []) async throws -> [PostgresRandomAccessRow] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        let query = PostgresQuery(unsafeSQL: Self.numberedCache.numbered(sql), binds: bindings)
        var result: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(query, logger: logger) {
            result.append(row.makeRandomAccess())
        }
        return result
    }

    func row(_ sql: String, _ values: [SQLValue] = []) async throws -> PostgresRandomAccessRow? {
        try await rows(sql, values).first
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

    func fetchOne<Record: Decodable>(_ type: Record.Type, _ sql: String, _ values: [SQLValue] = []) async throws
        -> Record?
    {
        try await row(sql, values).map { try Record(from: PostgresRowDecoder(row: $0)) }
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
        let columns = try PostgresRecordEncoder.columns(of: record).filter {
            !($0.name == Record.primaryKey && $0.value == nil)
        }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let generatesKey = record.primaryKeyValue == nil
        let sql =
            "INSERT INTO \"\(Record.tableName)\" (\(names)) VALUES (\(marks))"
            + (generatesKey ? " RETURNING \"\(Record.primaryKey)\"" : "")
        let rows = try await rows(sql, columns.map(\.value))
        return generatesKey ? try rows.first?[0].decode(Int64.self) : nil
    }

    /// Writes every column of the record into its row.
    func update<Record: PostgresTable>(_ record: Record) async throws {
        let columns = try PostgresRecordEncoder.columns(of: record).filter { $0.name != Record.primaryKey }
        let assignments = columns.map { "\"\($0.name)\" = ?" }.joined(separator: ", ")
        try await execute(
            "UPDATE \"\(Record.tableName)\" SET \(assignments) WHERE \"\(Record.primaryKey)\" = ?",
            columns.map(\.value) + [record.primaryKeyValue])
    }

    func delete<Record: PostgresTable>(_ record: Record) async throws {
        try await execute(
            "DELETE FROM \"\(Record.tableName)\" WHERE \"\(Record.primaryKey)\" = ?", [record.primaryKeyValue])
    }

    /// One row by its key.
    func record<Record: PostgresTable>(_ type: Record.Type, key: SQLValue) async throws -> Record? {
        try await fetchOne(
            Record.self, "SELECT * FROM \"\(Record.tableName)\" WHERE \"\(Record.primaryKey)\" = ?", [key])
    }
}
