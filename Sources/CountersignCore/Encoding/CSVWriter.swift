/// Writes RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted (quotes doubled), records end
/// with CRLF, and text stays UTF-8 as it is.
public enum CSVWriter {
    public static func record(_ fields: [String?]) -> String {
        fields.map { field(($0) ?? "") }.joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
