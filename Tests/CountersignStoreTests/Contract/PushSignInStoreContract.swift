import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: push sign-ins")
struct PushSignInStoreContract {
    @Test(
        "a push sign-in is stored with one push per push-capable app, and only its client can read it",
        arguments: StoreBackend.allCases)
    func start(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let apns = try await fixture.pair("alice", fixture.newDevice(platform: .apns)).device.id
        let pollOnly = try await fixture.pair().device.id
        let started = try await fixture.startPush()
        #expect(Set(started.devicePublicKeys.map(\.deviceId)) == [apns, pollOnly])
        #expect(started.transaction.state == .pending && started.transaction.number == 42)
        #expect(try await store.pushOutboxCounts().queued == 1)
        let id = started.transaction.transactionId
        #expect(try await store.transaction(id: id, relyingParty: "VPN").state == .pending)
        await #expect(throws: StoreError.challengeNotFound(id)) {
            try await store.transaction(id: id, relyingParty: "payroll")
        }
        let pending = try await store.pendingChallenges(deviceId: pollOnly, requestTimestampMillis: 1, now: fixture.now)
        #expect(pending.count == 1)
        await #expect(throws: StoreError.replayedRequest) {
            try await store.pendingChallenges(deviceId: pollOnly, requestTimestampMillis: 1, now: fixture.now)
        }
    }

    @Test(
        "refusals are thrown and written to the log: no app, too many pending, too many without success",
        arguments: StoreBackend.allCases)
    func admission(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        await #expect(throws: AuthRefusal.noActivatedDevice("alice")) { try await fixture.startPush() }
        #expect(try await fixture.log().first?.outcome == "refused")
        _ = try await fixture.pair()
        let limits = PushLimits(maxPending: 2, maxWithoutSuccess: 3, window: 600)
        for _ in 0..<2 { _ = try await fixture.startPush(limits: limits) }
        await #expect(throws: AuthRefusal.tooManyPending(limit: 2)) { try await fixture.startPush(limits: limits) }
        // Later, the two have timed out; one more fits in the window, then none.
        let later = fixture.now.addingTimeInterval(120)
        _ = try await fixture.store.expireChallenges(now: later, origin: fixture.origin)
        _ = try await fixture.startPush(limits: limits, at: later)
        await #expect(throws: AuthRefusal.tooManyWithoutSuccess(limit: 3, window: 600)) {
            try await fixture.startPush(limits: limits, at: later)
        }
        await #expect(throws: AuthRefusal.unknownUser("bob")) { try await fixture.startPush("bob") }
    }

    @Test("an approval forgives the pushes before it; a fraud report blocks push", arguments: StoreBackend.allCases)
    func approvalAndFraud(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let device = try await fixture.pair().device.id
        let limits = PushLimits(maxPending: 5, maxWithoutSuccess: 2, window: 600, fraudBlock: 3600)
        let first = try await fixture.startPush(limits: limits)
        _ = try await fixture.startPush(limits: limits)
        let answer = ChallengeAnswer(decision: .approve, number: 42)
        let outcome = try await fixture.store.answerChallenge(
            id: first.transaction.transactionId, deviceId: device, answer: answer, requestTimestampMillis: 1,
            limits: limits, origin: fixture.origin, now: fixture.now + 1)
        guard case .recorded(let approved) = outcome else { Issue.record("not recorded: \(outcome)"); return }
        #expect(approved.state == .approved)
        // Two pushes were sent without success before the approval; after it there is room again.
        let third = try await fixture.startPush(limits: limits, at: fixture.now + 2)
        let fraud = try await fixture.store.answerChallenge(
            id: third.transaction.transactionId, deviceId: device,
            answer: ChallengeAnswer(decision: .fraud, number: nil),
            requestTimestampMillis: 2, limits: limits, origin: fixture.origin, now: fixture.now + 3)
        guard case .recorded(let reported) = fraud else { Issue.record("not recorded: \(fraud)"); return }
        #expect(reported.state == .fraud)
        await #expect(throws: AuthRefusal.pushBlocked(until: fixture.now + 3 + 3600)) {
            try await fixture.startPush(limits: limits, at: fixture.now + 4)
        }
    }

    @Test(
        "the first answer wins; a wrong number denies; an answer after the deadline ends it as a timeout",
        arguments: StoreBackend.allCases)
    func answers(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let device = try await fixture.pair().device.id
        func answer(_ id: String, _ number: Int?, stamp: Int64, at offset: TimeInterval) async throws
            -> ChallengeAnswerOutcome
        {
            try await store.answerChallenge(
                id: id, deviceId: device, answer: ChallengeAnswer(decision: .approve, number: number),
                requestTimestampMillis: stamp, limits: PushLimits(), origin: fixture.origin, now: fixture.now + offset)
        }
        let wrong = try await fixture.startPush().transaction.transactionId
        guard case .recorded(let denied) = try await answer(wrong, 24, stamp: 1, at: 1) else {
            Issue.record("not recorded")
            return
        }
        #expect(denied.state == .denied)
        #expect(try await answer(wrong, 42, stamp: 2, at: 2) == .alreadyAnswered(state: .denied))

        let late = try await fixture.startPush().transaction.transactionId
        #expect(try await answer(late, 42, stamp: 3, at: 61) == .tooLate)
        #expect(try await store.transaction(id: late, relyingParty: "vpn").state == .timeout)
        let log = try await fixture.log()
        #expect(log.map(\.outcome).prefix(2) == ["timeout", "denied"])
    }

    @Test("overdue sign-ins are timed out by the sweep, each once, with one log row", arguments: StoreBackend.allCases)
    func expiry(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        _ = try await fixture.pair()
        let started = try await fixture.startPush(lifetime: 30)
        #expect(try await store.nextChallengeDeadline() == fixture.now + 30)
        #expect(try await store.expireChallenges(now: fixture.now + 29, origin: fixture.origin).isEmpty)
        #expect(
            try await store.expireChallenges(now: fixture.now + 30, origin: fixture.origin) == [
                started.transaction.transactionId
            ])
        #expect(try await store.expireChallenges(now: fixture.now + 31, origin: fixture.origin).isEmpty)
        #expect(try await store.nextChallengeDeadline() == nil)
        #expect(try await fixture.log().filter { $0.outcome == "timeout" }.count == 1)
    }

    @Test(
        "a challenge signed by an activation that is no longer current is refused, and nothing is stored",
        arguments: StoreBackend.allCases)
    func staleActivation(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        _ = try await fixture.pair()
        let stale = try await fixture.pushChallenge()
        _ = try await fixture.store.reactivate(
            providerName: "acme", force: true, serverKey: .init(), origin: fixture.origin, now: fixture.now)
        await #expect(throws: StoreError.activationChanged) {
            try await fixture.store.startPushChallenge(
                stale, limits: PushLimits(), origin: fixture.origin, now: fixture.now)
        }
        await #expect(throws: StoreError.challengeNotFound(stale.details.transactionId)) {
            try await fixture.store.transaction(id: stale.details.transactionId, relyingParty: "vpn")
        }
    }

    @Test(
        "method auto means push with an app paired, SMS without one when there is a phone number",
        arguments: StoreBackend.allCases)
    func defaultMethod(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        #expect(try await fixture.store.defaultMethod(user: "alice", now: fixture.now) == .sms)
        _ = try await fixture.pair()
        #expect(try await fixture.store.defaultMethod(user: "alice", now: fixture.now) == .push)
        _ = try await fixture.store.createUser(NewUser(name: "bob"), now: fixture.now)
        #expect(try await fixture.store.defaultMethod(user: "bob", now: fixture.now) == .push)
    }
}
