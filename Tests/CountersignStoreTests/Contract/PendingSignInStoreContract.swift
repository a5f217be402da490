import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: pending sign-ins for the helpdesk")
struct PendingSignInStoreContract {
    @Test(
        "pending push and SMS sign-ins are listed oldest first, by user or all; ended and overdue ones are not",
        arguments: StoreBackend.allCases)
    func listing(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        try await fixture.withTelephony()
        _ = try await fixture.pair()
        _ = try await fixture.store.createUser(NewUser(name: "bob"), now: fixture.now)
        _ = try await fixture.pair("bob", fixture.newDevice(platform: .pollOnly))
        let first = try await fixture.startPush(at: fixture.now)
        let text = try await fixture.startPhone(.sms, at: fixture.now.addingTimeInterval(1))
        let bobs = try await fixture.startPush("bob", at: fixture.now.addingTimeInterval(2))
        let short = try await fixture.startPush(at: fixture.now.addingTimeInterval(3), lifetime: 5)
        let at = fixture.now.addingTimeInterval(10)

        let all = try await fixture.store.pendingSignIns(user: nil, limit: 100, now: at)
        #expect(
            all.map(\.transactionId) == [
                first.transaction.transactionId, text.transaction.transactionId, bobs.transaction.transactionId,
            ], "the overdue one is not listed")
        #expect(all.map(\.method) == [.push, .sms, .push] && all.map(\.user) == ["alice", "alice", "bob"])
        #expect(all.allSatisfy { $0.client == "vpn" })
        let alices = try await fixture.store.pendingSignIns(user: "alice", limit: 100, now: at)
        #expect(alices.map(\.transactionId) == [first.transaction.transactionId, text.transaction.transactionId])
        #expect(try await fixture.store.pendingSignIns(user: nil, limit: 1, now: at).count == 1)
        await #expect(throws: StoreError.userNotFound("carol")) {
            try await fixture.store.pendingSignIns(user: "carol", limit: 100, now: at)
        }
        _ = short
    }

    @Test(
        "cancelling ends a pending push or SMS sign-in as failed with one log row, its pushes cancelled; twice, or an unknown id, is refused",
        arguments: StoreBackend.allCases)
    func cancelling(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        try await fixture.withTelephony()
        _ = try await fixture.pair("alice", fixture.newDevice(platform: .apns))
        let push = try await fixture.startPush()
        let text = try await fixture.startPhone(.sms)
        let reason = "ended by the helpdesk"
        for id in [push.transaction.transactionId, text.transaction.transactionId] {
            let ended = try await fixture.store.cancelSignIn(
                id: id, reason: reason, origin: fixture.origin, now: fixture.now)
            #expect(ended.state == .failed && ended.reason == reason && ended.transactionId == id)
            #expect(try await fixture.store.transaction(id: id, relyingParty: "vpn").state == .failed)
            await #expect(throws: StoreError.signInEnded(id: id, state: .failed)) {
                try await fixture.store.cancelSignIn(id: id, reason: reason, origin: fixture.origin, now: fixture.now)
            }
        }
        #expect(try await fixture.store.pushOutboxCounts().queued == 0, "the push for an ended sign-in still waits")
        let rows = try await fixture.log().filter { $0.reason == reason }
        #expect(rows.count == 2)
        #expect(try await fixture.store.pendingSignIns(user: nil, limit: 100, now: fixture.now).isEmpty)
        await #expect(throws: StoreError.challengeNotFound("no-such-id")) {
            try await fixture.store.cancelSignIn(
                id: "no-such-id", reason: reason, origin: fixture.origin, now: fixture.now)
        }
    }
}
