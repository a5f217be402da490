import CountersignCore
import Foundation
import Testing

@testable import CountersignServer

/// How long-polls and the dispatcher are woken.
@Suite("Wake-ups")
struct WakeUpsTests {
    func decided(_ id: String) -> AuthTransaction {
        AuthTransaction(
            transactionId: id, user: "alice", method: .push, state: .approved, number: 42, reason: nil,
            createdAt: Date(), deadline: Date().addingTimeInterval(60), answeredAt: Date())
    }

    @Test("a waiter gets the decided transaction with its wake-up")
    func handsOverTheOutcome() async throws {
        let wakeUps = WakeUps()
        async let woken = wakeUps.wait(for: "tx-1", timeout: .seconds(30))
        // Let the waiter register before the signal; a late one is covered by the next test.
        try await Task.sleep(for: .milliseconds(50))
        await wakeUps.signal(decided: decided("tx-1"))
        #expect(await woken?.state == .approved)
    }

    @Test("a waiter that starts just after the decision returns at once, not at its timeout")
    func lateWaiter() async {
        let wakeUps = WakeUps()
        await wakeUps.signal(decided: decided("tx-1"))
        // A waiter that sleeps until its timeout gets nil; only the remembered decision gives a value.
        // (No timing is asserted: under a busy test run the cooperative threads may be late.)
        let woken = await wakeUps.wait(for: "tx-1", timeout: .seconds(30))
        #expect(woken?.transactionId == "tx-1")
        // A plain wake-up carries nothing: the waiter reads the store.
        async let plain = wakeUps.wait(for: "tx-2", timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        await wakeUps.signal(["tx-2"])
        #expect(await plain == nil)
    }

    @Test("only the most recent decisions are remembered")
    func bounded() async {
        let wakeUps = WakeUps()
        for index in 0...WakeUps.rememberedDecisions { await wakeUps.signal(decided: decided("tx-\(index)")) }
        // The first has been forgotten: its waiter sleeps until its (short) timeout.
        #expect(await wakeUps.wait(for: "tx-0", timeout: .milliseconds(100)) == nil)
        #expect(await wakeUps.wait(for: "tx-1", timeout: .seconds(30))?.transactionId == "tx-1")
    }
}
