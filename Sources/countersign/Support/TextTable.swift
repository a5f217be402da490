import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Left-aligned columns for terminal output.
struct TextTable {
    let headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    /// The table as printed: cut to the terminal's width when standard output is one.
    var rendered: String { rendered(width: TerminalWidth.ofStandardOutput) }

    /// With a `width`, the widest columns are narrowed (never below their header, nor 8
    /// characters) and their long cells end in "…", until every line fits; without, nothing is cut.
    func rendered(width: Int?) -> String {
        let all = [headers] + rows
        var widths = headers.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        if let width { widths = Self.fitted(widths, headers: headers, into: width) }
        return all.map { row in
            row.enumerated().map { index, cell in
                let shown = cell.count > widths[index] ? String(cell.prefix(max(0, widths[index] - 1))) + "…" : cell
                return index == row.count - 1
                    ? shown : shown.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func fitted(_ widths: [Int], headers: [String], into width: Int) -> [Int] {
        var widths = widths
        let floor = headers.map { max(8, $0.count) }
        func total() -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }
        while total() > width {
            guard let widest = widths.indices.filter({ widths[$0] > floor[$0] }).max(by: { widths[$0] < widths[$1] })
            else { break }
            widths[widest] -= min(total() - width, widths[widest] - floor[widest])
        }
        return widths
    }
}

/// The width of the terminal standard output is, or nil when it is a file or a pipe (a script
/// then gets every character).
enum TerminalWidth {
    static var ofStandardOutput: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }
}

extension Date {
    /// To the second, in the zone of the machine running the command (TZ), with its offset
    /// written out (2026-12-01 17:18:33 -0500), so a time is never read in the wrong zone.
    var shortText: String { formatted(Self.shortStyle(in: .current)) }

    static func shortStyle(in zone: TimeZone) -> Date.VerbatimFormatStyle {
        Date.VerbatimFormatStyle(
            format: """
                \(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \
                \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\
                \(second: .twoDigits) \(timeZone: .iso8601(.short))
                """, locale: Locale(identifier: "en_US_POSIX"), timeZone: zone,
            calendar: Calendar(identifier: .gregorian))
    }
}

extension Optional where Wrapped == String {
    var orDash: String { self ?? "-" }
}

/// A count with its noun in the number that agrees with it: "1 token", "2 tokens", "0 tokens".
func counted(_ count: Int, _ singular: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
