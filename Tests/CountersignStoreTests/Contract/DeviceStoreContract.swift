import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: devices and pairing")
struct DeviceStoreContract {
    @Test("redeeming a code stores the device and spends the code in one step", arguments: StoreBackend.allCases)
    func redeem(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createActivationCode(
            user: "alice", codeHash: "h1", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        let device = fixture.newDevice()
        let paired = try await store.redeemActivationCode(codeHash: "h1", device: device, now: fixture.now)
        #expect(paired.device.user == "alice")
        #expect(paired.device.status == .active)
        #expect(try await store.deviceOATHSecret(id: paired.device.id) == device.oathSecret)
        await #expect(throws: StoreError.activationCodeUsed) {
            try await store.redeemActivationCode(codeHash: "h1", device: fixture.newDevice(), now: fixture.now)
        }
        #expect(try await store.devices(user: "alice", page: PageRequest()).items.count == 1)
    }

    @Test(
        "paired apps are listed a page at a time in the order they were paired, for everyone or one user",
        arguments: StoreBackend.allCases)
    func paged(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        _ = try await store.createUser(NewUser(name: "bob"), now: fixture.now)
        var paired: [String] = []
        for (index, user) in ["alice", "bob", "alice", "bob", "alice"].enumerated() {
            try await store.createActivationCode(
                user: user, codeHash: "p\(index)", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
            paired.append(
                try await store.redeemActivationCode(
                    codeHash: "p\(index)", device: fixture.newDevice(), now: fixture.now
                )
                .device.id)
        }
        var seen: [String] = []
        var page = PageRequest(limit: 2)
        while true {
            let answer = try await store.devices(user: nil, page: page)
            seen += answer.items.map(\.id)
            guard let next = answer.nextAfter else { break }
            page.after = next
        }
        #expect(seen == paired)
        let alices = try await store.devices(user: "alice", page: PageRequest(limit: 2))
        #expect(alices.items.map(\.id) == [paired[0], paired[2]])
        let rest = try await store.devices(user: "alice", page: PageRequest(after: alices.nextAfter, limit: 2))
        #expect(rest.items.map(\.id) == [paired[4]] && rest.nextAfter == nil)
        #expect(rest.items.allSatisfy { $0.user == "alice" })
    }

    @Test("expired and unknown codes store nothing", arguments: StoreBackend.allCases)
    func refusedCodes(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createActivationCode(
            user: "alice", codeHash: "h1", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        await #expect(throws: StoreError.activationCodeExpired) {
            try await store.redeemActivationCode(
                codeHash: "h1", device: fixture.newDevice(), now: fixture.now.addingTimeInterval(600))
        }
        await #expect(throws: StoreError.unknownActivationCode) {
            try await store.redeemActivationCode(codeHash: "nope", device: fixture.newDevice(), now: fixture.now)
        }
        #expect(try await store.devices(user: nil, page: PageRequest()).items.isEmpty)
    }

    @Test("a disabled user can neither get nor redeem a code", arguments: StoreBackend.allCases)
    func disabledUser(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createActivationCode(
            user: "alice", codeHash: "h1", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        _ = try await store.setUserStatus("alice", to: .disabled)
        await #expect(throws: StoreError.userDisabled("alice")) {
            try await store.createActivationCode(
                user: "alice", codeHash: "h2", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        }
        await #expect(throws: StoreError.userDisabled("alice")) {
            try await store.redeemActivationCode(codeHash: "h1", device: fixture.newDevice(), now: fixture.now)
        }
    }

    @Test("push token updates need a newer timestamp each time, and an active device", arguments: StoreBackend.allCases)
    func pushTokenReplay(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createActivationCode(
            user: "alice", codeHash: "h1", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        let id = try await store.redeemActivationCode(codeHash: "h1", device: fixture.newDevice(), now: fixture.now)
            .device.id
        _ = try await store.updatePushToken(
            deviceId: id, token: "t1", environment: nil, requestTimestampMillis: 10, now: fixture.now)
        await #expect(throws: StoreError.replayedRequest) {
            try await store.updatePushToken(
                deviceId: id, token: "t2", environment: nil, requestTimestampMillis: 10, now: fixture.now)
        }
        _ = try await store.removeDevice(id: id, now: fixture.now)
        await #expect(throws: StoreError.deviceNotActivated) {
            try await store.updatePushToken(
                deviceId: id, token: "t3", environment: nil, requestTimestampMillis: 11, now: fixture.now)
        }
        let device = try await store.device(id: id)
        #expect(device.status == .removed)
        #expect(try await store.deviceCredentials(id: id).isActivated == false)
    }

    @Test("deleting a user deletes their devices and codes", arguments: StoreBackend.allCases)
    func deleteCascades(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createActivationCode(
            user: "alice", codeHash: "h1", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        _ = try await store.redeemActivationCode(codeHash: "h1", device: fixture.newDevice(), now: fixture.now)
        try await store.createActivationCode(
            user: "alice", codeHash: "h2", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        try await store.deleteUser("alice")
        await #expect(throws: StoreError.userNotFound("alice")) { try await store.user(named: "alice") }
        #expect(try await store.devices(user: nil, page: PageRequest()).items.isEmpty)
        let counts = try await store.counts()
        #expect(counts.users == 0 && counts.devices == 0 && counts.activeDevices == 0)
        // A new alice inherits nothing: the old code is gone with the old user.
        _ = try await store.createUser(NewUser(name: "alice"), now: fixture.now)
        await #expect(throws: StoreError.unknownActivationCode) {
            try await store.redeemActivationCode(codeHash: "h2", device: fixture.newDevice(), now: fixture.now)
        }
    }

    @Test("the server key opens only with the master key that sealed it", arguments: StoreBackend.allCases)
    func serverKey(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let activation = try #require(try await store.currentActivation())
        let key = try await store.serverSigningKey(activationId: activation.id)
        #expect(Base64URL.encode(key.publicKey.x963Representation) == activation.serverPublicKey)
        let otherStore = try await fixture.reopened(masterKey: SecretBox.generateMasterKey())
        await #expect(throws: SecretBox.Failure.cannotOpen) {
            try await otherStore.serverSigningKey(activationId: activation.id)
        }
    }
}
