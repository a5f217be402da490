import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: one-time codes and app passwords")
struct CodeSignInStoreContract {
    @Test("an app's offline code works once; a wrong one is denied and logged", arguments: StoreBackend.allCases)
    func appCodeOnce(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let device = try await fixture.pair().device.id
        let code = try await fixture.appCode(deviceId: device)
        #expect(try await fixture.verifyCode(code).state == .approved)
        let replay = try await fixture.verifyCode(code)
        #expect(replay.state == .denied && replay.reason == "the code is wrong or was already used")
        #expect(try await fixture.log().map(\.result) == [.denied, .success])
    }

    @Test("wrong codes lock the user's code methods, and the lock ends on time", arguments: StoreBackend.allCases)
    func lockout(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let device = try await fixture.pair().device.id
        let wrong = try await fixture.wrongAppCode(deviceId: device)
        let policy = LockoutPolicy(maxFailures: 3, firstLock: 60, maxLock: 3600)
        for _ in 0..<3 { _ = try await fixture.verifyCode(wrong, policy: policy) }
        let right = try await fixture.appCode(deviceId: device)
        await #expect(throws: AuthRefusal.locked(until: fixture.now + 60)) {
            try await fixture.verifyCode(right, policy: policy)
        }
        let later = fixture.now + 60
        let code = try await fixture.appCode(deviceId: device, at: later)
        #expect(try await fixture.verifyCode(code, policy: policy, at: later).state == .approved)
    }

    @Test(
        "wrong codes from one source make that source wait, not others; the user is not locked; unlock forgets the source",
        arguments: StoreBackend.allCases)
    func throttle(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let device = try await fixture.pair().device.id
        let wrong = try await fixture.wrongAppCode(deviceId: device)
        let policy = LockoutPolicy(
            maxFailures: 50, throttle: CodeThrottlePolicy(freeFailures: 2, firstDelay: 10, maxDelay: 60))
        for _ in 0..<2 { _ = try await fixture.verifyCode(wrong, policy: policy, from: "203.0.113.9") }
        let right = try await fixture.appCode(deviceId: device)
        await #expect(throws: AuthRefusal.slowedDown(until: fixture.now + 10)) {
            try await fixture.verifyCode(right, policy: policy, from: "203.0.113.9")
        }
        // The same client from another address, and the other address's right code, are looked at.
        #expect(try await fixture.verifyCode(right, policy: policy, from: "192.0.2.4").state == .approved)
        #expect(try await fixture.store.user(named: "alice").lockedUntil == nil)
        // Still inside the wait, but unlocked: the source's next code is looked at (and is wrong).
        _ = try await fixture.store.unlockUser("alice")
        let looked = try await fixture.verifyCode(wrong, policy: policy, at: fixture.now + 5, from: "203.0.113.9")
        #expect(looked.state == .denied)
    }

    @Test("a user with neither an app nor a token is refused, not counted", arguments: StoreBackend.allCases)
    func nothingMakesCodes(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        await #expect(throws: AuthRefusal.noCodeGenerator("alice")) { try await fixture.verifyCode("123456") }
        #expect(try await fixture.store.user(named: "alice").lockedUntil == nil)
    }

    @Test(
        "app passwords: refused while the provider forbids them, matched by id, deleted together",
        arguments: StoreBackend.allCases)
    func appPasswords(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let created = try await store.createAppPassword(
            user: "alice", name: "mail", passwordHash: "pbkdf2", now: fixture.now)
        #expect(try await store.appPasswordHashes(user: "alice").map(\.hash) == ["pbkdf2"])
        func verify(_ matched: String?) async throws -> AuthTransaction {
            try await store.verifyAppPassword(
                user: "alice", matchedId: matched, context: AuthContext(), relyingParty: "vpn", policy: LockoutPolicy(),
                origin: fixture.origin, now: fixture.now)
        }
        await #expect(throws: AuthRefusal.appPasswordsForbidden) { try await verify(created.id) }
        _ = try await store.updateProviderSettings(name: "acme") { $0.allowAppPasswords = true }
        #expect(try await verify(created.id).state == .approved)
        #expect(try await verify(nil).state == .denied)
        #expect(try await store.appPasswords(user: "alice").first?.lastUsedAt == fixture.now)
        let second = try await store.createAppPassword(user: "alice", name: nil, passwordHash: "p2", now: fixture.now)
        try await store.deleteAppPassword(user: "alice", id: second.id)
        await #expect(throws: StoreError.appPasswordNotFound(user: "alice", id: second.id)) {
            try await store.deleteAppPassword(user: "alice", id: second.id)
        }
        #expect(try await store.deleteAppPasswords(user: "alice") == 1)
        await #expect(throws: AuthRefusal.noAppPassword("alice")) { try await verify(created.id) }
    }
}
