import Foundation
import Testing

@testable import CountersignStore

/// One statement may read several records side by side, whose column names repeat: each after
/// the first follows a marker column, and each is read from its own part of the row.
@Suite("PostgreSQL rows that hold several records", .enabled(if: PostgresTestServer.location != nil))
struct PostgresRowPartsTests {
    struct Item: Decodable, Equatable {
        let id: Int64
        let note: String
    }

    @Test("each record is read from its part of the row, and a part an outer join left empty is nil")
    func partsOfARow() async throws {
        let database = try await PostgresWaitingWritesTests.database()
        let rows = try await database.locked { s in
            try await s.execute("INSERT INTO item (id, note) VALUES (1, 'one'), (2, 'two')")
            return try await s.rows(
                """
                SELECT a.id, a.note, NULL AS "#next", b.id, b.note FROM item a
                LEFT JOIN item b ON b.id = a.id + 1 ORDER BY a.id
                """)
        }
        #expect(rows.count == 2)
        #expect(try PostgresRowDecoder.record(Item.self, in: rows[0], part: nil) == Item(id: 1, note: "one"))
        #expect(try PostgresRowDecoder.record(Item.self, in: rows[0], part: "#next") == Item(id: 2, note: "two"))
        #expect(try PostgresRowDecoder.record(Item.self, in: rows[1], part: nil) == Item(id: 2, note: "two"))
        #expect(try PostgresRowDecoder.record(Item.self, in: rows[1], part: "#next") == nil)
        #expect(throws: DecodingError.self) { try PostgresRowDecoder.record(Item.self, in: rows[0], part: "#none") }
    }
}
