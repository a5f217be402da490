import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: users")
struct UserStoreContract {
    @Test(
        "a user is created once whatever the case of the name, and can be disabled, licensed and deleted",
        arguments: StoreBackend.allCases)
    func users(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        await #expect(throws: StoreError.userExists("ALICE")) {
            try await store.createUser(NewUser(name: "ALICE"), now: fixture.now)
        }
        let alice = try await store.user(named: "alice")
        #expect(alice.phone == "+14155550100" && alice.status == .enabled && !alice.licensed)
        #expect(try await store.setUserStatus("alice", to: .disabled).status == .disabled)
        #expect(try await store.setLicense(user: "alice", licensed: true).licensed)
        #expect(try await store.users(page: PageRequest()).items.map(\.name) == ["alice"])
        try await store.deleteUser("alice")
        await #expect(throws: StoreError.userNotFound("alice")) { try await store.setUserStatus("alice", to: .enabled) }
    }

    @Test(
        "users are listed a page at a time in name order, with each page's own counts of paired apps",
        arguments: StoreBackend.allCases)
    func paged(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        for name in ["erin", "bob", "dan", "carol"] {
            _ = try await store.createUser(NewUser(name: name), now: fixture.now)
        }
        let first = try await store.users(page: PageRequest(limit: 3))
        #expect(first.items.map(\.name) == ["alice", "bob", "carol"] && first.nextAfter == "carol")
        let second = try await store.users(page: PageRequest(after: "carol", limit: 3))
        #expect(second.items.map(\.name) == ["dan", "erin"] && second.nextAfter == nil)
        #expect(second.items.allSatisfy { $0.activeDevices == 0 })
    }

    @Test(
        "a reset removes the user's apps and app passwords and ends their pending sign-ins",
        arguments: StoreBackend.allCases)
    func reset(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let paired = try await fixture.pair()
        _ = try await store.createAppPassword(user: "alice", name: "mail", passwordHash: "x", now: fixture.now)
        let started = try await fixture.startPush()
        let result = try await store.resetUser("alice", origin: fixture.origin, now: fixture.now)
        #expect(result.devicesRemoved == 1 && result.appPasswordsDeleted == 1 && result.pendingSignInsEnded == 1)
        #expect(result.endedSignIns == [started.transaction.transactionId])
        #expect(try await store.deviceCredentials(id: paired.device.id).isActivated == false)
        #expect(try await store.appPasswords(user: "alice").isEmpty)
        let ended = try await store.transaction(id: started.transaction.transactionId, relyingParty: "vpn")
        #expect(ended.state.isFinal)
    }

    @Test("an unlock lifts a lock from wrong codes at once", arguments: StoreBackend.allCases)
    func unlock(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let device = try await fixture.pair().device.id
        let wrong = try await fixture.wrongAppCode(deviceId: device)
        let policy = LockoutPolicy(maxFailures: 2)
        for _ in 0..<2 { _ = try await fixture.verifyCode(wrong, policy: policy) }
        #expect(try await fixture.store.user(named: "alice").lockedUntil != nil)
        let unlocked = try await fixture.store.unlockUser("alice")
        #expect(unlocked.lockedUntil == nil)
        #expect(try await fixture.verifyCode(wrong, policy: policy).state == .denied)
    }
}
