import Foundation
import GRDB

/// Dates as GRDB stores them, "yyyy-MM-dd HH:mm:ss.SSS" in UTC, written without DateFormatter.
///
/// GRDB formats every `Date` it binds with one shared DateFormatter, which is slow and takes a
/// lock; in the sign-in benchmark it was 2.4 % of all CPU. The text must be exactly GRDB's, because
/// the store compares dates as text (`deadline_at > ?`); a test checks the two agree.
enum StoredDate {
    /// Years this arithmetic covers; outside them (the Julian calendar before 1582, five-digit
    /// years) GRDB's formatter is used.
    static let fastYears = 1600...9999

    static func text(_ date: Date) -> String {
        // CoreFoundation's formatter rounds to the nearest millisecond this way; so must we.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down)
        guard milliseconds.isFinite, abs(milliseconds) < 1e15 else { return slowText(date) }
        let total = Int64(milliseconds)
        let day = total.floorDivided(by: 86_400_000)
        let millisecondOfDay = Int(total - day * 86_400_000)
        let (year, month, dayOfMonth) = civilDate(daysSince1970: day)
        guard fastYears.contains(year) else { return slowText(date) }

        var bytes = [UInt8]()
        bytes.reserveCapacity(23)
        func append(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        append(year, digits: 4)
        bytes.append(UInt8(ascii: "-"))
        append(month, digits: 2)
        bytes.append(UInt8(ascii: "-"))
        append(dayOfMonth, digits: 2)
        bytes.append(UInt8(ascii: " "))
        append(millisecondOfDay / 3_600_000, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(millisecondOfDay / 60_000 % 60, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(millisecondOfDay / 1000 % 60, digits: 2)
        bytes.append(UInt8(ascii: "."))
        append(millisecondOfDay % 1000, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func slowText(_ date: Date) -> String {
        String.fromDatabaseValue(date.databaseValue) ?? ""
    }

    /// Year, month and day of the proleptic Gregorian calendar (Howard Hinnant's civil_from_days).
    static func civilDate(daysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Date {
    /// The stored text form, for binding in hot statements (see `StoredDate`).
    var stored: String { StoredDate.text(self) }
}

extension SnakeCaseRecord {
    /// Records write their dates through `StoredDate` too.
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate.text($0) }
    }
}
