import CountersignCore
import Foundation
import Testing

@testable import CountersignStore

/// Several nodes on one PostgreSQL database, each a store of its own with its own pool, as
/// separate servers would be.
@Suite("PostgreSQL backend: several nodes share the work", .enabled(if: PostgresTestServer.location != nil))
struct PostgresNodesTests {
    @Test(
        "nodes claim disjoint pushes; a live node's claims survive another's start; a dead node's go out after its lease"
    )
    func outboxLeases() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        let a = try await fixture.node("a", pushLease: 10)
        let b = try await fixture.node("b", pushLease: 10)
        let device = try await fixture.pair("alice", fixture.newDevice(platform: .apns)).device.id
        let now = fixture.now
        let ids = try await a.enqueuePushes(
            (0..<20).map { NewPush(deviceId: device, payload: "{}", collapseId: "tx-\($0)", deadline: now + 60) },
            now: now)

        // Both claim at once: every push goes to one of them, none to both.
        async let fromA = a.claimDuePushes(now: now, limit: 12)
        async let fromB = b.claimDuePushes(now: now, limit: 12)
        let (claimedA, claimedB) = try await (fromA, fromB)
        #expect(Set(claimedA.map(\.id)).isDisjoint(with: claimedB.map(\.id)))
        #expect(Set(claimedA.map(\.id) + claimedB.map(\.id)) == Set(ids))

        // B restarts: its own claims go back to the queue, A's (live, leased) do not.
        #expect(try await b.requeueInterruptedPushes() == claimedB.count)
        #expect(
            try await b.claimDuePushes(now: now + 5, limit: 50).map(\.id).sorted() == claimedB.map(\.id).sorted())
        // A dies without recording anything. Before its lease ends nobody takes its pushes ...
        #expect(try await b.claimDuePushes(now: now + 9, limit: 50).isEmpty)
        // ... and once it has, B sends them, as their second attempt.
        let takenOver = try await b.claimDuePushes(now: now + 10, limit: 50)
        #expect(takenOver.map(\.id).sorted() == claimedA.map(\.id).sorted())
        #expect(takenOver.allSatisfy { $0.attempt == 2 })
        try await b.recordPushAttempts(takenOver.map { ($0.id, .sent) }, now: now + 11)
        #expect(try await b.nextPushDue() == now + 15)  // B's own claims are out until their lease ends
        #expect(try await a.pushOutboxCounts().sent == claimedA.count)
    }

    @Test("sweepers on three nodes at once end each overdue sign-in once, with one log row each")
    func sweepersDoNotDouble() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        let nodes = [try await fixture.node("a"), try await fixture.node("b"), try await fixture.node("c")]
        _ = try await fixture.pair()
        for name in ["bob", "carol", "dave", "erin"] {
            _ = try await fixture.store.createUser(NewUser(name: name), now: fixture.now)
            _ = try await fixture.pair(name)
        }
        var started: [String] = []
        for name in ["alice", "bob", "carol", "dave", "erin"] {
            for _ in 0..<3 {
                started.append(try await fixture.startPush(name, lifetime: 30).transaction.transactionId)
            }
        }
        let later = fixture.now + 31
        let ended = try await withThrowingTaskGroup(of: [String].self) { group in
            for node in nodes {
                group.addTask { try await node.expireChallenges(now: later, origin: fixture.origin) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(ended.sorted() == started.sorted())
        let log = try await fixture.log()
        for id in started {
            #expect(log.filter { $0.transactionId == id && $0.outcome == "timeout" }.count == 1)
        }
    }

    @Test("a texted code is checked by whichever node asks, once; a device request's timestamp counts on every node")
    func smsAndReplaysAcrossNodes() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        try await fixture.withTelephony()
        let a = try await fixture.node("a")
        let b = try await fixture.node("b")
        let sent = try await fixture.startPhone(.sms, secret: "424242")
        let id = sent.transaction.transactionId
        async let first = a.verifySMSCode(
            transactionId: id, relyingParty: "vpn", code: "424242", policy: LockoutPolicy(), origin: fixture.origin,
            now: fixture.now)
        async let second = b.verifySMSCode(
            transactionId: id, relyingParty: "vpn", code: "424242", policy: LockoutPolicy(), origin: fixture.origin,
            now: fixture.now)
        var states: [String] = []
        for outcome in [try? await first, try? await second] { states.append(outcome?.state.rawValue ?? "refused") }
        #expect(states.sorted() == ["approved", "refused"], "\(states)")

        let device = try await fixture.pair().device.id
        let token = String(repeating: "cd", count: 32)
        _ = try await a.updatePushToken(
            deviceId: device, token: token, environment: nil, requestTimestampMillis: 5, now: fixture.now)
        await #expect(throws: StoreError.replayedRequest) {
            try await b.updatePushToken(
                deviceId: device, token: token, environment: nil, requestTimestampMillis: 5, now: fixture.now)
        }
    }

    @Test("each node's heartbeat lists it with its clock's offset from the database's")
    func heartbeats() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        let a = try await fixture.node("a")
        let b = try await fixture.node("b")
        try await a.heartbeat(startedAt: Date(), version: "1", now: Date())
        try await b.heartbeat(startedAt: Date(), version: "1", now: Date().addingTimeInterval(-3))
        let nodes = try await a.nodes(liveWithin: 15)
        #expect(nodes.map(\.name) == ["a", "b"])
        #expect(nodes.allSatisfy { $0.live })
        let offsets = nodes.map(\.clockOffsetMilliseconds)
        #expect(abs(offsets[0]) < 1000)
        #expect((-4000 ... -2000).contains(offsets[1]))
    }

    @Test("events cross between nodes on the schema's channel, and a node hears its own")
    func notifications() async throws {
        let fixture = try await ContractStore.seeded(.postgres)
        let a = try await fixture.node("a").eventChannel()
        let b = try await fixture.node("b").eventChannel()
        let heard = AsyncStream<String>.makeStream()
        let listening = AsyncStream<Void>.makeStream()
        let listener = Task {
            await b.listen(listening: { listening.continuation.yield() }, received: { heard.continuation.yield($0) })
        }
        defer { listener.cancel() }
        var ready = listening.stream.makeAsyncIterator()
        _ = await ready.next()
        try await a.send("hello from a")
        var messages = heard.stream.makeAsyncIterator()
        #expect(await messages.next() == "hello from a")
        // Several in one statement arrive in order; one too large refuses the statement, whole.
        try await a.send(["first", "second", "third"])
        #expect(await messages.next() == "first")
        #expect(await messages.next() == "second")
        #expect(await messages.next() == "third")
        await #expect(throws: PostgresRefusal.self) {
            try await a.send(["fits", String(repeating: "x", count: PostgresEventChannel.maxPayload + 1)])
        }
        await #expect(throws: PostgresRefusal.self) {
            try await a.send(String(repeating: "x", count: PostgresEventChannel.maxPayload + 1))
        }

        // The listening connection is cut from the server's side: it is made again, LISTENs again,
        // and hears what comes after.
        let admin = try await fixture.node("admin")
        let cut = try await admin.database.write { s in
            try await s.changes(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()",
                [String(b.channel.prefix(63))])
        }
        #expect(cut == 1)
        _ = await ready.next()
        try await a.send("after the reconnect")
        #expect(await messages.next() == "after the reconnect")
    }
}
