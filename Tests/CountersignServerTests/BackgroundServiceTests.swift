import CountersignClient
import CountersignCore
import CountersignServer
import Foundation
import Testing

@Suite("Background services in a running server")
struct BackgroundServiceTests {
    @Test("log retention deletes rows older than the retention period while the server runs, and keeps this month's")
    func logRetentionRuns() async throws {
        try await SignInSetup.run(server: { try await .make(backgroundServices: [.logRetention], logRetentionDays: 30) }
        ) {
            setup in
            let old = try await setup.start(AuthRequest(user: "alice", method: .totp, code: "000000"))
            #expect(try await setup.log().map(\.transactionId) == [old.transactionId])

            // Seventy days on, the first row is past the 30 days; a new one is this month's.
            setup.server.clock.advance(by: 70 * 86_400)
            let recent = try await setup.start(AuthRequest(user: "alice", method: .totp, code: "000000"))
            let deadline = ContinuousClock.now + .seconds(30)
            var kept = try await setup.log().map(\.transactionId)
            while kept.count > 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                kept = try await setup.log().map(\.transactionId)
            }
            #expect(kept == [recent.transactionId])
        }
    }

    @Test("a background service with nothing to do waits instead of stopping the server")
    func idleServiceKeepsServerUp() async throws {
        try await SignInSetup.run(server: { try await .make(backgroundServices: [.logRetention], logRetentionDays: 0) })
        {
            setup in
            let first = try await setup.start(AuthRequest(user: "alice", method: .totp, code: "000000"))
            // Long enough for a service that returned at once to have shut the server down.
            try await Task.sleep(for: .milliseconds(300))
            let second = try await setup.start(AuthRequest(user: "alice", method: .totp, code: "000000"))
            #expect(try await setup.log().map(\.transactionId) == [second.transactionId, first.transactionId])
        }
    }
}
