/// Splits RFC 4180 text into records: comma-separated fields, optionally in double quotes, with
/// `""` for a quote inside a quoted field, and CRLF or LF between records.
public enum CSVRecords {
    public struct Record: Sendable, Equatable {
        /// The line the record starts on, counting from 1.
        public var line: Int
        public var fields: [String]
    }

    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    public static func parse(_ text: String) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        try read(text.utf8) {
            records.append($0); return true
        }
        return records
    }

    /// Hands each record to `body` as soon as it is read, so that a file of a million rows is never
    /// held as a million records; `body` returns false to stop reading. Fields must be UTF-8.
    public static func read(_ bytes: some Collection<UInt8>, _ body: (Record) -> Bool) throws(SyntaxError) {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result<Void, SyntaxError> { () throws(SyntaxError) in try read(buffer, body) }
        }
        switch result {
        case .some(let outcome): try outcome.get()
        case .none: try Array(bytes).withUnsafeBufferPointer { buffer throws(SyntaxError) in try read(buffer, body) }
        }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Record) -> Bool) throws(SyntaxError) {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        var index = 0

        func endField() throws(SyntaxError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw SyntaxError(line: line, problem: "a field that is not UTF-8 text")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        /// False once `body` has asked to stop.
        func endRecord() throws(SyntaxError) -> Bool {
            try endField()
            defer { fields.removeAll(keepingCapacity: true) }
            // A blank line is not a record.
            return fields.count == 1 && fields[0].isEmpty ? true : body(Record(line: recordLine, fields: fields))
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","): try endField()
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !fieldWasQuoted else {
                        throw SyntaxError(line: line, problem: "a quote inside an unquoted field")
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                case UInt8(ascii: "\r"):
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") else {
                        throw SyntaxError(line: line, problem: "a carriage return not followed by a line feed")
                    }
                case UInt8(ascii: "\n"):
                    guard try endRecord() else { return }
                    line += 1
                    recordLine = line
                default:
                    guard !fieldWasQuoted else {
                        throw SyntaxError(line: line, problem: "text after the closing quote of a field")
                    }
                    field.append(byte)
                }
            }
            index += 1
        }
        guard !inQuotes else { throw SyntaxError(line: recordLine, problem: "a quoted field is never closed") }
        _ = try endRecord()
    }
}
