import Foundation
import PostgresNIO

// The store's records (Records.swift) are Codable with their snake_case columns spelled out, so the
// same structs serve both backends: GRDB reads them from SQLite, these read them from PostgreSQL.

/// Reads a record from one result row, column by column, by the record's coding keys.
///
/// A row can hold several records side by side (one statement that reads a device, a challenge
/// and a user saves two round trips), whose column names repeat. Each record after the first
/// then follows a marker column, `NULL AS "#name"`, and is read with `part: "#name"`: its columns
/// are those between that marker and the next.
struct PostgresRowDecoder: Decoder {
    let row: PostgresRandomAccessRow
    /// The row's columns this record is read from: by name, the first of each within the range.
    let names: [String: Int]?
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    init(row: PostgresRandomAccessRow) {
        self.row = row
        self.names = nil
    }

    /// The record that follows the marker column `part` (a name starting with `#`). Before the
    /// first marker, `part` nil, is the record the row starts with.
    init(row: PostgresRandomAccessRow, part: String?) throws {
        self.row = row
        var start = 0
        if let part {
            guard row.contains(part) else {
                throw DecodingError.keyNotFound(
                    Marker(stringValue: part), .init(codingPath: [], debugDescription: "no marker column '\(part)'"))
            }
            start = row[part].columnIndex + 1
        }
        var names: [String: Int] = [:]
        for index in start..<row.count {
            let name = row[index].columnName
            if name.hasPrefix("#") { break }
            if names[name] == nil { names[name] = index }
        }
        self.names = names
    }

    /// The record after the marker `part`, or nil when its `key` column is NULL (an outer join
    /// that found no row).
    static func record<Record: Decodable>(
        _ type: Record.Type, in row: PostgresRandomAccessRow, part: String?, key: String = "id"
    ) throws -> Record? {
        let decoder = try PostgresRowDecoder(row: row, part: part)
        guard let index = decoder.names?[key], row[index].bytes != nil else { return nil }
        return try Record(from: decoder)
    }

    private struct Marker: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row, names: names))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed record only"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            Any.self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed record only"))
    }

    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRandomAccessRow
        let names: [String: Int]?
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] {
            if let names { return names.keys.compactMap { Key(stringValue: $0) } }
            return row.compactMap { Key(stringValue: $0.columnName) }
        }

        func contains(_ key: Key) -> Bool {
            if let names { return names[key.stringValue] != nil }
            return row.contains(key.stringValue)
        }

        func cell(_ key: Key) throws -> PostgresCell {
            guard contains(key) else {
                throw DecodingError.keyNotFound(
                    key, .init(codingPath: [key], debugDescription: "no column '\(key.stringValue)' in the row"))
            }
            if let names, let index = names[key.stringValue] { return row[index] }
            return row[key.stringValue]
        }

        func decodeNil(forKey key: Key) throws -> Bool { try cell(key).bytes == nil }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try cell(key).decode(Bool.self) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try cell(key).decode(String.self) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try cell(key).decode(Double.self) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try cell(key).decode(Int.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try cell(key).decode(Int64.self) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let cell = try cell(key)
            if type == Date.self, let value = try cell.decode(Date.self) as? T { return value }
            if type == Data.self, let value = try cell.decode(Data.self) as? T { return value }
            throw DecodingError.typeMismatch(
                type, .init(codingPath: [key], debugDescription: "column '\(key.stringValue)' has no \(type) reading"))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        { throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "columns are flat")) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "columns are flat"))
        }
        func superDecoder() throws -> any Decoder {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "columns are flat"))
        }
        func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }
    }
}

/// Lists a record's columns and values, NULLs included, for an INSERT or UPDATE.
final class PostgresRecordEncoder: Encoder {
    struct Column {
        let name: String
        let value: SQLValue
    }

    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    fileprivate var columns: [Column] = []

    static func columns(of record: some Encodable) throws -> [Column] {
        let encoder = PostgresRecordEncoder()
        try record.encode(to: encoder)
        return encoder.columns
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Columns<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("records encode as keyed columns only")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("records encode as keyed columns only")
    }

    struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: PostgresRecordEncoder
        var codingPath: [any CodingKey] { [] }

        func add(_ key: Key, _ value: SQLValue) { encoder.columns.append(Column(name: key.stringValue, value: value)) }

        mutating func encodeNil(forKey key: Key) throws { add(key, nil) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, value) }
        mutating func encode(_ value: String, forKey key: Key) throws { add(key, value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { add(key, value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { add(key, value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, value) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            switch value {
            case let date as Date: add(key, date)
            case let data as Data: add(key, data)
            default:
                throw EncodingError.invalidValue(
                    value,
                    .init(codingPath: [key], debugDescription: "column '\(key.stringValue)' has no \(T.self) form"))
            }
        }

        // Synthesized coding skips nil optionals; an UPDATE must write them as NULL.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { add(key, value) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { add(key, value) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { add(key, value) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { add(key, value) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { add(key, value) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { add(key, nil) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        { preconditionFailure("columns are flat") }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("columns are flat")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("columns are flat") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("columns are flat") }
    }
}

// MARK: - The records' tables

extension ProviderRecord: PostgresTable {
    static var tableName: String { "provider" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension ActivationRecord: PostgresTable {
    static var tableName: String { "activation" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension UserRecord: PostgresTable {
    static var tableName: String { "user" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension DeviceRecord: PostgresTable {
    static var tableName: String { "device" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension ActivationCodeRecord: PostgresTable {
    static var tableName: String { "activation_code" }
    static var primaryKey: String { "code_hash" }
    var primaryKeyValue: SQLValue { codeHash }
}

extension AdminTokenRecord: PostgresTable {
    static var tableName: String { "admin_token" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension RelyingPartyRecord: PostgresTable {
    static var tableName: String { "relying_party" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension ChallengeRecord: PostgresTable {
    static var tableName: String { "challenge" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension AuthLogRecord: PostgresTable {
    static var tableName: String { "auth_log" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension HardwareTokenRecord: PostgresTable {
    static var tableName: String { "hardware_token" }
    static var primaryKey: String { "serial" }
    var primaryKeyValue: SQLValue { serial }
}

extension AppPasswordRecord: PostgresTable {
    static var tableName: String { "app_password" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}

extension PhoneChallengeRecord: PostgresTable {
    static var tableName: String { "phone_challenge" }
    static var primaryKey: String { "id" }
    var primaryKeyValue: SQLValue { id }
}
