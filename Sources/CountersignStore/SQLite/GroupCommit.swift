import GRDB

/// Write transactions that arrive together commit together: the sign-in path's transactions (its
/// start, and the phone's fetch and answer) queue here, and each batch runs in one SQLite
/// transaction, each in its own savepoint, with one `COMMIT` and one fsync. (The push dispatcher's
/// claims and records come one at a time from one loop, so they gain nothing here and do not use it.)
///
/// A profile of the server put `BEGIN` and `COMMIT` at 12 % of its CPU (BENCHMARKS.md). Nothing is
/// less durable: a caller hears its result only after the batch's commit, and a batch whose commit
/// fails fails every caller in it. A write that throws is rolled back to its savepoint and fails
/// alone; the others in the batch are unaffected, as if each had had its own transaction.
actor GroupCommit {
    private struct Job: Sendable {
        let work: @Sendable (Database) throws -> any Sendable
        let done: CheckedContinuation<any Sendable, any Error>
    }

    private let pool: DatabasePool
    private var waiting: [Job] = []
    private var draining = false
    /// Bounds the time one batch holds SQLite's writer.
    static let maxBatch = 64

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            waiting.append(Job(work: { try work($0) }, done: continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
        guard let typed = value as? T else { throw GroupCommitError.wrongResultType }
        return typed
    }

    /// Commits batches until nothing waits; writes that arrive meanwhile form the next batch.
    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maxBatch))
            waiting.removeFirst(batch.count)
            let results: [Result<any Sendable, any Error>]
            do {
                results = try await pool.write { db in
                    // Alone in its batch, a write needs no savepoint: the transaction is its own.
                    if batch.count == 1, let only = batch.first { return [.success(try only.work(db))] }
                    return batch.map { job in
                        Result {
                            var value: (any Sendable)?
                            try db.inSavepoint {
                                value = try job.work(db)
                                return .commit
                            }
                            guard let value else { throw GroupCommitError.wrongResultType }
                            return value
                        }
                    }
                }
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            for (job, result) in zip(batch, results) { job.done.resume(with: result) }
        }
        draining = false
    }
}

enum GroupCommitError: Error {
    /// A batch handed back a value of another type than its caller asked for: a bug, never input.
    case wrongResultType
}
