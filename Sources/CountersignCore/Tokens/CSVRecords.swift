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
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        let bytes = Array(text.utf8)
        var index = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            // A blank line is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
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
                case UInt8(ascii: ","): endField()
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
                    endRecord()
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
        endRecord()
        return records
    }
}
