import Foundation

/// Days and times as people type them in queries and on the command line, read exactly: a day
/// (2026-11-23, midnight UTC) or an ISO 8601 time (2026-11-23T09:00:00Z, 2026-11-23T09:00:00.5+01:00).
/// Foundation's parsers roll impossible values over ("02-30" becomes March 2nd, "12:99" the next
/// hour); these do not: a day or time that does not exist is refused.
public enum StrictDate {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/#
        guard let match = text.wholeMatch(of: pattern),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3)
        else { return nil }
        // The day must exist in the calendar: a round trip through it changes nothing.
        guard (1...12).contains(month),
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: start) == day, calendar.component(.month, from: start) == month
        else { return nil }
        guard let hourText = match.4, let minuteText = match.5, let secondText = match.6, let zone = match.8 else {
            return start
        }
        guard let hour = Int(hourText), let minute = Int(minuteText), let second = Int(secondText), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var offset = 0
        if zone != "Z" {
            let sign = zone.first == "-" ? -1 : 1
            guard let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2)), hours < 24,
                minutes < 60
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return start.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second - offset) + fraction)
    }
}
