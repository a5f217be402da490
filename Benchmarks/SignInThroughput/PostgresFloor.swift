import BenchmarkSupport
import CountersignStore
import Foundation

/// `--postgres-floor N`: what one round trip to PostgreSQL costs this process, apart from any
/// sign-in. Two reads through the store's own pool, N times each, one at a time and 32 at a time:
/// one SELECT with no transaction (a lease and one round trip), and a read-only transaction of two
/// SELECTs (the BEGIN goes out with the first: four statements, three waits for an answer). Their
/// difference is two waits; the rest of the first is the lease.
enum PostgresFloor {
    static func measure(store: PostgresRegistryStore, calls: Int) async throws {
        let reads: [(String, @Sendable () async throws -> Void)] = [
            ("one SELECT, no transaction", { _ = try await store.nextChallengeDeadline() }),
            ("BEGIN and SELECT, SELECT, COMMIT", { _ = try await store.currentActivation() }),
        ]
        print("")
        print("| read through the store | at a time | this process's CPU per read | PostgreSQL's CPU per read |")
        print("|---|---|---|---|")
        for concurrency in [1, 32] {
            for (name, read) in reads {
                let before = (ProcessCPU.seconds() ?? 0, ProcessCPU.seconds(ofProcessesNamed: "postgres"))
                let next = TicketCounter()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<concurrency {
                        group.addTask { while next.take() < calls { try await read() } }
                    }
                    try await group.waitForAll()
                }
                let after = (ProcessCPU.seconds() ?? 0, ProcessCPU.seconds(ofProcessesNamed: "postgres"))
                func microseconds(_ spent: Double) -> String { format(spent * 1_000_000 / Double(calls)) + " µs" }
                print(
                    "| \(name) | \(concurrency) | \(microseconds(after.0 - before.0)) | \(microseconds(after.1 - before.1)) |"
                )
            }
        }
    }
}
