import Foundation
import GRDB
import Testing

@testable import CountersignStore

@Suite("Stored dates: the fast text form is exactly GRDB's")
struct StoredDateTests {
    func grdb(_ date: Date) -> String? { String.fromDatabaseValue(date.databaseValue) }

    @Test("edges: the epoch, leap days, year ends, the last millisecond, times before 1970")
    func edges() throws {
        let texts = [
            "1970-01-01 00:00:00.000", "2024-02-29 23:59:59.999", "2000-02-29 12:00:00.500",
            "1900-03-01 00:00:00.000", "1969-12-31 23:59:59.999", "1600-01-01 00:00:00.000",
            "9999-12-31 23:59:59.999", "2026-11-23 16:07:27.042",
        ]
        for text in texts {
            let date = try #require(Date.fromDatabaseValue(text.databaseValue))
            #expect(StoredDate.text(date) == text)
            #expect(StoredDate.text(date) == grdb(date))
        }
    }

    @Test("100,000 random instants from 1600 to 9999, with sub-millisecond parts, agree with GRDB")
    func random() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let seconds = Double.random(in: -11_676_096_000...253_402_300_799, using: &generator)
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredDate.text(date) == grdb(date), "at \(seconds)")
        }
    }

    @Test("outside the fast years, GRDB's own formatter is used")
    func slowPath() {
        for date in [Date.distantPast, Date(timeIntervalSince1970: -12_000_000_000)] {
            #expect(StoredDate.text(date) == grdb(date))
        }
    }
}
