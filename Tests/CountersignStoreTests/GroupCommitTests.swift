import Foundation
import GRDB
import Synchronization
import Testing

@testable import CountersignStore

@Suite("Group commit: writes that arrive together commit together")
struct GroupCommitTests {
    struct Refused: Error, Equatable { let value: Int }

    final class Flag: Sendable { let value = Atomic<Bool>(false) }

    /// Counts commits, to see how many transactions the writes took.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = Atomic<Int>(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.add(1, ordering: .relaxed) }
        func databaseDidRollback(_ db: Database) {}
    }

    @Test(
        "50 writes queued behind a busy writer take a few commits; each keeps its result; a failing one rolls back alone"
    )
    func batches() async throws {
        let fixture = try StoreFixture()
        let (pool, _) = try fixture.open()
        try await pool.write { db in try db.execute(sql: "CREATE TABLE sample (value INTEGER NOT NULL)") }
        let counter = CommitCounter()
        try await pool.write { db in db.add(transactionObserver: counter, extent: .databaseLifetime) }
        let writes = GroupCommit(pool: pool)

        // Hold SQLite's writer so that every write below queues before the first batch runs.
        let holding = Flag()
        async let held: Void = pool.write { _ in
            holding.value.store(true, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 0.3)
        }
        while !holding.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }

        let results = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
            for value in 0..<50 {
                group.addTask {
                    do {
                        let stored = try await writes.write { db in
                            try db.execute(sql: "INSERT INTO sample (value) VALUES (?)", arguments: [value])
                            if value % 2 == 1 { throw Refused(value: value) }
                            return value * 10
                        }
                        return (value, .success(stored))
                    } catch {
                        return (value, .failure(error as? Refused ?? Refused(value: -1)))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<Int, Refused>]()) { $0[$1.0] = $1.1 }
        }
        try await held

        for value in 0..<50 {
            if value % 2 == 0 {
                #expect(results[value] == .success(value * 10))
            } else {
                #expect(results[value] == .failure(Refused(value: value)))
            }
        }
        let stored = try await pool.read { db in
            try Int.fetchAll(db, sql: "SELECT value FROM sample ORDER BY value")
        }
        #expect(stored == Array(stride(from: 0, to: 50, by: 2)))
        // The writer's hold took one commit; the 50 writes a few more, not 50.
        #expect(counter.commits.load(ordering: .relaxed) <= 4)
    }
}
