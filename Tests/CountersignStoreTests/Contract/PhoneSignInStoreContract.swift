import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: SMS codes and voice calls")
struct PhoneSignInStoreContract {
    func verify(_ fixture: ContractStore, _ delivery: PhoneDelivery, _ code: String) async throws -> AuthTransaction {
        try await fixture.store.verifySMSCode(
            transactionId: delivery.transaction.transactionId, relyingParty: "vpn", code: code,
            policy: LockoutPolicy(), origin: fixture.origin, now: fixture.now + 5)
    }

    @Test("a texted code works once, from a US short code; a newer text replaces it", arguments: StoreBackend.allCases)
    func smsOnce(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        await #expect(throws: AuthRefusal.noTelephonyGateway("acme")) { try await fixture.startPhone(.sms) }
        try await fixture.withTelephony()
        let first = try await fixture.startPhone(.sms, secret: "111111")
        #expect(SMSSender.usShortCodes.contains(first.sender) && first.phone == "+14155550100")
        let second = try await fixture.startPhone(.sms, secret: "222222")
        await #expect(throws: AuthRefusal.codeNotPending(state: .failed)) { try await verify(fixture, first, "111111") }
        #expect(try await verify(fixture, second, "999999").state == .denied)
        #expect(try await verify(fixture, second, "222222").state == .approved)
        await #expect(throws: AuthRefusal.codeNotPending(state: .approved)) {
            try await verify(fixture, second, "222222")
        }
    }

    @Test("the sixth text or call in five minutes is refused with when to try again", arguments: StoreBackend.allCases)
    func sendLimit(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        try await fixture.withTelephony()
        for offset in 0..<5 { _ = try await fixture.startPhone(.voice, at: fixture.now + Double(offset)) }
        await #expect(throws: AuthRefusal.tooManySends(limit: 5, retryAt: fixture.now + 300)) {
            try await fixture.startPhone(.sms, at: fixture.now + 10)
        }
        _ = try await fixture.startPhone(.sms, at: fixture.now + 301)
    }

    @Test(
        "a call is answered only with its own token: # approves, 0# reports fraud and blocks push",
        arguments: StoreBackend.allCases)
    func voice(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        try await fixture.withTelephony()
        let call = try await fixture.startPhone(.voice, secret: "token-1")
        #expect(call.sender == "+15555550199")
        let id = call.transaction.transactionId
        await #expect(throws: StoreError.challengeNotFound(id)) {
            try await fixture.store.answerVoiceCall(
                transactionId: id, token: "forged", digits: "#", fraudBlock: 3600, origin: fixture.origin,
                now: fixture.now)
        }
        let answered = try await fixture.store.answerVoiceCall(
            transactionId: id, token: "token-1", digits: "#", fraudBlock: 3600, origin: fixture.origin, now: fixture.now
        )
        #expect(answered.state == .approved)
        let fraud = try await fixture.startPhone(.voice, secret: "token-2")
        let reported = try await fixture.store.answerVoiceCall(
            transactionId: fraud.transaction.transactionId, token: "token-2", digits: "0#", fraudBlock: 3600,
            origin: fixture.origin,
            now: fixture.now)
        #expect(reported.state == .fraud)
        // A fraud report by phone call blocks push as one made in the app does.
        _ = try await fixture.pair()
        await #expect(throws: AuthRefusal.pushBlocked(until: fixture.now + 3600)) { try await fixture.startPush() }
    }
}
