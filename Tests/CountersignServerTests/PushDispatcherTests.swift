import CountersignCore
import CountersignGateway
import CountersignPush
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import GatewayTestSupport
import Prometheus
import Synchronization
import Testing

@Suite("Push dispatcher with the gateway emulator")
struct PushDispatcherTests {
    struct Setup {
        let server: TestServer
        let store: SQLiteRegistryStore
        let deviceId: String
        let token: String
        let sender: ProviderPushSender
    }

    /// A server store with alice paired on an APNs device whose token the gateway handed out.
    func setUp(_ gateway: GatewayHarness) async throws -> Setup {
        let server = try await TestServer.make()
        let store = try #require(server.store as? SQLiteRegistryStore)
        let device = try await gateway.state.register(platform: .apns, phone: "alice")
        let code = try await server.pairingCode()
        let paired = try await store.redeemActivationCode(
            codeHash: SecretHash.sha256Hex(code),
            device: NewDevice(
                platform: .apns, pushToken: device.token, environment: .production,
                publicKey: P256.Signing.PrivateKey().publicKey.x963Representation, oathSecret: SecureRandom.bytes(20),
                displayName: nil),
            now: server.clock.now())
        let sender = ProviderPushSender(
            apns: APNsClient(transport: gateway.transport, tokens: try gateway.apnsTokens(), clock: server.clock),
            apnsTopic: gateway.identity.apns.topic, fcm: nil, clock: server.clock)
        return Setup(server: server, store: store, deviceId: paired.device.id, token: device.token, sender: sender)
    }

    /// Runs the dispatcher until `done` holds (or 15 s pass), then stops it.
    func dispatch(
        _ setup: Setup, metrics: PrometheusCollectorRegistry = .init(), until done: @Sendable () async throws -> Bool
    )
        async throws
    {
        let dispatcher = PushDispatcher(
            outbox: setup.store, sender: setup.sender, clock: setup.server.clock,
            retryPolicy: RetryPolicy(initialDelay: 0.05, maximumDelay: 0.2), metrics: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            let deadline = ContinuousClock.now + .seconds(60)
            while try await !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            group.cancelAll()
        }
    }

    func enqueue(_ setup: Setup, seconds: TimeInterval = 60) async throws -> String {
        try await setup.store.enqueuePush(
            deviceId: setup.deviceId, payload: #"{"tx":"t-1"}"#, collapseId: "t-1",
            deadline: setup.server.clock.now().addingTimeInterval(seconds), now: setup.server.clock.now())
    }

    @Test("a queued push reaches the phone's inbox, with the outbox id as apns-id, and is counted")
    func delivers() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            let id = try await enqueue(setup)
            let metrics = PrometheusCollectorRegistry()
            try await dispatch(setup, metrics: metrics) { try await setup.store.pushOutboxCounts().sent == 1 }
            let inbox = await gateway.state.inbox(setup.token, after: 0)
            #expect(inbox.map(\.id) == [id])
            #expect(inbox.first?.payload.contains(#""countersign":{"tx":"t-1"}"#) == true)
            #expect(
                metrics.emitToString().contains(
                    #"countersign_push_outcomes_total{platform="apns",outcome="delivered"} 1"#))
        }
    }

    @Test("429 with Retry-After is retried no sooner than asked, and then delivered")
    func retriesAfterRetryAfter() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            await gateway.state.addFault(.init(status: 429, reason: "TooManyRequests", retryAfter: 2), for: setup.token)
            _ = try await enqueue(setup)
            let clock = setup.server.clock
            let enqueuedAt = clock.now()
            try await dispatch(setup) {
                // Wait for the first attempt to be refused and rescheduled.
                guard let due = try await setup.store.nextPushDue() else { return false }
                return due > enqueuedAt.addingTimeInterval(1)
            }
            let due = try #require(try await setup.store.nextPushDue())
            // Times are stored to the millisecond.
            #expect(due.timeIntervalSince(enqueuedAt) >= 2 - 0.001)
            #expect(await gateway.state.inbox(setup.token, after: 0).isEmpty)

            clock.advance(by: 2.5)
            try await dispatch(setup) { try await setup.store.pushOutboxCounts().sent == 1 }
            #expect(await gateway.state.inbox(setup.token, after: 0).count == 1)
        }
    }

    @Test("410 Unregistered marks the device's token invalid and fails the message")
    func unregistered() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            try await gateway.state.unregister(setup.token, at: Date())
            _ = try await enqueue(setup)
            try await dispatch(setup) { try await setup.store.pushOutboxCounts().failed == 1 }
            #expect(try await setup.store.device(id: setup.deviceId).hasPushToken == false)
            #expect(await gateway.state.inbox(setup.token, after: 0).isEmpty)
        }
    }

    @Test("a message whose deadline passed before it could be sent is never sent")
    func expired() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            _ = try await enqueue(setup, seconds: 5)
            setup.server.clock.advance(by: 6)
            try await dispatch(setup) { try await setup.store.pushOutboxCounts().expired == 1 }
            #expect(await gateway.state.inbox(setup.token, after: 0).isEmpty)
        }
    }

    @Test("a message claimed when the process died is sent after restart")
    func sendsAfterCrash() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            let id = try await enqueue(setup)
            // The previous process claimed it and died before recording anything.
            #expect(try await setup.store.claimDuePushes(now: setup.server.clock.now(), limit: 10).map(\.id) == [id])
            try await dispatch(setup) { try await setup.store.pushOutboxCounts().sent == 1 }
            #expect(await gateway.state.inbox(setup.token, after: 0).map(\.id) == [id])
        }
    }

    @Test("pushes queued one at a time are recorded in batches, not a transaction per push, and all are sent")
    func recordsInBatches() async throws {
        try await GatewayHarness.run { gateway in
            let setup = try await setUp(gateway)
            let outbox = CountingOutbox(store: setup.store)
            let wakeUps = WakeUps()
            let dispatcher = PushDispatcher(
                outbox: outbox, sender: setup.sender, clock: setup.server.clock, metrics: .init(), wakeUps: wakeUps)
            let count = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await dispatcher.run() }
                // As sign-ins do: each push queued on its own, with a wake-up.
                for _ in 0..<count {
                    _ = try await enqueue(setup)
                    await wakeUps.signal([WakeUps.outbox])
                    try await Task.sleep(for: .milliseconds(2))
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while try await setup.store.pushOutboxCounts().sent < count, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            #expect(try await setup.store.pushOutboxCounts().sent == count)
            #expect(await gateway.state.inbox(setup.token, after: 0).count == count)
            // Recording after every send would take one transaction per push.
            let records = outbox.recordCalls.withLock { $0 }
            #expect(records < count / 2, "\(records) record transactions for \(count) pushes")
        }
    }
}

/// The real SQLite outbox, counting how often the dispatcher records outcomes.
final class CountingOutbox: PushOutboxStore {
    let store: SQLiteRegistryStore
    let recordCalls = Mutex(0)

    init(store: SQLiteRegistryStore) { self.store = store }

    func enqueuePush(deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date) async throws
        -> String
    {
        try await store.enqueuePush(
            deviceId: deviceId, payload: payload, collapseId: collapseId, deadline: deadline, now: now)
    }
    func requeueInterruptedPushes() async throws -> Int { try await store.requeueInterruptedPushes() }
    func claimDuePushes(now: Date, limit: Int) async throws -> [PendingPush] {
        try await store.claimDuePushes(now: now, limit: limit)
    }
    func recordPushAttempts(_ results: [(id: String, result: PushAttemptResult)], now: Date) async throws {
        recordCalls.withLock { $0 += 1 }
        try await store.recordPushAttempts(results, now: now)
    }
    func enqueuePushes(_ pushes: [NewPush], now: Date) async throws -> [String] {
        try await store.enqueuePushes(pushes, now: now)
    }
    func nextPushDue() async throws -> Date? { try await store.nextPushDue() }
    func pushOutboxCounts() async throws -> PushOutboxCounts { try await store.pushOutboxCounts() }
}
