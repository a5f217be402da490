import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: the push outbox")
struct PushOutboxContract {
    /// A store with alice paired on an APNs device; returns the device id.
    func pairedStore(_ backend: StoreBackend) async throws -> (ContractStore, any RegistryStore, String) {
        let fixture = try await ContractStore.seeded(backend)
        let paired = try await fixture.pair("alice", fixture.newDevice(platform: .apns))
        return (fixture, fixture.store, paired.device.id)
    }

    @Test(
        "a batch is claimed in one go and its outcomes recorded together, each as it came out",
        arguments: StoreBackend.allCases)
    func batch(_ backend: StoreBackend) async throws {
        let (fixture, store, deviceId) = try await pairedStore(backend)
        let deadline = fixture.now.addingTimeInterval(60)
        let ids = try await store.enqueuePushes(
            (0..<5).map { NewPush(deviceId: deviceId, payload: "{}", collapseId: "tx-\($0)", deadline: deadline) },
            now: fixture.now)
        let claimed = try await store.claimDuePushes(now: fixture.now, limit: 4)
        #expect(claimed.count == 4)
        #expect(Set(claimed.map(\.id)).isSubset(of: Set(ids)))
        #expect(claimed.allSatisfy { $0.attempt == 1 })
        #expect(try await store.pushOutboxCounts().sending == 4)
        #expect(try await store.pushOutboxCounts().queued == 1)

        try await store.recordPushAttempts(
            [
                (claimed[0].id, .sent), (claimed[1].id, .sent),
                (claimed[2].id, .retry(at: fixture.now.addingTimeInterval(5), reason: "TooManyRequests")),
                (claimed[3].id, .failed(reason: "BadTopic")),
            ], now: fixture.now)
        let counts = try await store.pushOutboxCounts()
        #expect(counts.sent == 2 && counts.queued == 2 && counts.failed == 1 && counts.sending == 0)
        // The retried one comes back as its second attempt once due, with the one never claimed.
        let next = try await store.claimDuePushes(now: fixture.now.addingTimeInterval(5), limit: 10)
        #expect(next.map(\.attempt).sorted() == [1, 2])
    }

    @Test(
        "a queued push is claimed once, and a crash mid-send puts it back in the queue",
        arguments: StoreBackend.allCases)
    func claimAndRecover(_ backend: StoreBackend) async throws {
        let (fixture, store, deviceId) = try await pairedStore(backend)
        let id = try await store.enqueuePush(
            deviceId: deviceId, payload: "{}", collapseId: "tx", deadline: fixture.now.addingTimeInterval(60),
            now: fixture.now)
        let claimed = try await store.claimDuePushes(now: fixture.now, limit: 10)
        #expect(claimed.map(\.id) == [id])
        #expect(claimed.first?.attempt == 1)
        #expect(claimed.first?.platform == .apns)
        #expect(try await store.claimDuePushes(now: fixture.now, limit: 10).isEmpty)

        // The process dies here; on restart the message is queued again and sent as attempt 2.
        #expect(try await store.requeueInterruptedPushes() == 1)
        let again = try await store.claimDuePushes(now: fixture.now, limit: 10)
        #expect(again.map(\.attempt) == [2])
        try await store.recordPushAttempt(id: id, result: .sent, now: fixture.now)
        #expect(try await store.pushOutboxCounts().sent == 1)
    }

    @Test("a push past its deadline is never claimed", arguments: StoreBackend.allCases)
    func deadline(_ backend: StoreBackend) async throws {
        let (fixture, store, deviceId) = try await pairedStore(backend)
        _ = try await store.enqueuePush(
            deviceId: deviceId, payload: "{}", collapseId: nil, deadline: fixture.now.addingTimeInterval(60),
            now: fixture.now)
        #expect(try await store.claimDuePushes(now: fixture.now.addingTimeInterval(60), limit: 10).isEmpty)
        #expect(try await store.pushOutboxCounts().expired == 1)
    }

    @Test("a retry waits for its time", arguments: StoreBackend.allCases)
    func retry(_ backend: StoreBackend) async throws {
        let (fixture, store, deviceId) = try await pairedStore(backend)
        let id = try await store.enqueuePush(
            deviceId: deviceId, payload: "{}", collapseId: nil, deadline: fixture.now.addingTimeInterval(60),
            now: fixture.now)
        _ = try await store.claimDuePushes(now: fixture.now, limit: 10)
        try await store.recordPushAttempt(
            id: id, result: .retry(at: fixture.now.addingTimeInterval(5), reason: "TooManyRequests"), now: fixture.now)
        #expect(try await store.claimDuePushes(now: fixture.now.addingTimeInterval(4), limit: 10).isEmpty)
        #expect(try await store.nextPushDue() == fixture.now.addingTimeInterval(5))
        #expect(try await store.claimDuePushes(now: fixture.now.addingTimeInterval(5), limit: 10).map(\.attempt) == [2])
    }

    @Test(
        "a dead token marks the device, and later pushes to it are cancelled unsent", arguments: StoreBackend.allCases)
    func tokenInvalid(_ backend: StoreBackend) async throws {
        let (fixture, store, deviceId) = try await pairedStore(backend)
        let first = try await store.enqueuePush(
            deviceId: deviceId, payload: "{}", collapseId: nil, deadline: fixture.now.addingTimeInterval(60),
            now: fixture.now)
        _ = try await store.claimDuePushes(now: fixture.now, limit: 10)
        try await store.recordPushAttempt(id: first, result: .tokenInvalid(reason: "Unregistered"), now: fixture.now)
        #expect(try await store.device(id: deviceId).hasPushToken == false)

        _ = try await store.enqueuePush(
            deviceId: deviceId, payload: "{}", collapseId: nil, deadline: fixture.now.addingTimeInterval(60),
            now: fixture.now)
        #expect(try await store.claimDuePushes(now: fixture.now, limit: 10).isEmpty)
        let counts = try await store.pushOutboxCounts()
        #expect(counts.failed == 1 && counts.cancelled == 1)
    }
}
