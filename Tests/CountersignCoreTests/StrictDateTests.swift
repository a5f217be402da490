import CountersignCore
import Foundation
import Testing

@Suite("Days and times read exactly")
struct StrictDateTests {
    @Test("days and times that exist are read, with their offsets and fractions")
    func good() throws {
        #expect(StrictDate.parse("2026-11-23") == Date(timeIntervalSince1970: 1_795_392_000))
        #expect(StrictDate.parse("2026-11-23T09:00:00Z") == Date(timeIntervalSince1970: 1_795_424_400))
        #expect(StrictDate.parse("2026-11-23T10:00:00+01:00") == Date(timeIntervalSince1970: 1_795_424_400))
        #expect(StrictDate.parse("2026-11-23T09:00:00.5Z") == Date(timeIntervalSince1970: 1_795_424_400.5))
        #expect(StrictDate.parse("2024-02-29") != nil)
    }

    @Test("days and times that do not exist, or are not in the form, are refused rather than rolled over")
    func bad() {
        for text in [
            "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "2026-11-23T12:99:00Z",
            "2026-11-23T24:00:00Z", "2026-11-23T09:00:60Z", "2026-11-23T09:00:00", "2026-11-23 09:00:00Z",
            "26-11-23", "yesterday", "",
        ] {
            #expect(StrictDate.parse(text) == nil, "\(text)")
        }
    }
}
