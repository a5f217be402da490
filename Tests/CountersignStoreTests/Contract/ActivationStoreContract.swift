import CountersignCore
import CountersignStore
import Crypto
import Foundation
import Testing

@Suite("Store contract: activation and re-activation")
struct ActivationStoreContract {
    @Test(
        "a server is activated once; the current activation names its provider and key",
        arguments: StoreBackend.allCases)
    func activate(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        #expect(try await store.currentActivation() == nil)
        _ = try await store.createProvider(NewProvider(name: "acme", billing: .perUser, tenant: nil), now: fixture.now)
        await #expect(throws: StoreError.providerNotFound("beta")) {
            try await store.activate(providerName: "beta", serverKey: P256.Signing.PrivateKey(), now: fixture.now)
        }
        let activation = try await store.activate(
            providerName: "acme", serverKey: P256.Signing.PrivateKey(), now: fixture.now)
        #expect(try await store.currentActivation() == activation)
        #expect(try await store.provider(named: "acme").isCurrent)
        await #expect(throws: StoreError.alreadyActivated(provider: "acme")) {
            try await store.activate(providerName: "acme", serverKey: P256.Signing.PrivateKey(), now: fixture.now)
        }
    }

    @Test(
        "re-activation ends the old pairings and pending pushes at once; the sweep marks the rows",
        arguments: StoreBackend.allCases)
    func reactivate(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let old = try await fixture.pair("alice", fixture.newDevice(platform: .apns)).device.id
        let started = try await fixture.startPush()
        await #expect(throws: StoreError.sameProvider("acme")) {
            try await store.reactivate(
                providerName: "acme", force: false, serverKey: .init(), origin: fixture.origin, now: fixture.now)
        }
        _ = try await store.createProvider(
            NewProvider(name: "beta", billing: .perUser, tenant: "other"), now: fixture.now)
        let (result, ended) = try await store.reactivate(
            providerName: "beta", force: false, serverKey: .init(), origin: fixture.origin, now: fixture.now)
        #expect(result.devicesInvalidated == 1 && result.usersToRepair == 1 && result.tenantChanged)
        #expect(ended == [started.transaction.transactionId])
        #expect(try await store.transaction(id: ended[0], relyingParty: "vpn").state == .failed)
        #expect(try await store.deviceCredentials(id: old).isActivated == false)
        #expect(try await store.pushOutboxCounts().queued == 0)
        #expect(try await store.repairStatus().map(\.repaired) == [false])

        var cursor = SweepCursor.start
        while let next = try await store.markSupersededDevices(after: cursor) { cursor = next }
        #expect(try await store.device(id: old).status == .invalidated)
        _ = try await fixture.pair()
        #expect(try await store.repairStatus().map(\.repaired) == [true])
    }

    @Test("within a tenant the new provider inherits the settings it lacks", arguments: StoreBackend.allCases)
    func carryOver(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        _ = try await store.createProvider(NewProvider(name: "old", billing: .perUser, tenant: "t"), now: fixture.now)
        _ = try await store.createProvider(NewProvider(name: "new", billing: .perUser, tenant: "t"), now: fixture.now)
        _ = try await store.activate(providerName: "old", serverKey: .init(), now: fixture.now)
        _ = try await store.updateProviderSettings(name: "old") { $0.smsLongNumber = "+447700900123" }
        let telephony = TelephonySettings(gateways: [TelephonyGatewaySettings(url: "https://gw.example/sms")])
        try await store.setTelephonySettings(telephony, provider: "old")
        let (result, _) = try await store.reactivate(
            providerName: "new", force: false, serverKey: .init(), origin: fixture.origin, now: fixture.now)
        #expect(!result.tenantChanged)
        #expect(result.carriedOver == ["settings", "telephony gateways"])
        #expect(try await store.provider(named: "new").settings.smsLongNumber == "+447700900123")
        #expect(try await store.telephonySettings(provider: "new") == telephony)
    }

    @Test("a campaign's next run revokes its unused codes, and no other codes", arguments: StoreBackend.allCases)
    func campaignCodes(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        try await store.createCampaignCode(
            user: "alice", codeHash: "campaign", expiresAt: fixture.now + 600, now: fixture.now)
        try await store.createActivationCode(
            user: "alice", codeHash: "admin", expiresAt: fixture.now + 600, now: fixture.now)
        #expect(try await store.revokeCampaignCodes() == 1)
        await #expect(throws: StoreError.unknownActivationCode) {
            try await store.redeemActivationCode(codeHash: "campaign", device: fixture.newDevice(), now: fixture.now)
        }
        _ = try await store.redeemActivationCode(codeHash: "admin", device: fixture.newDevice(), now: fixture.now)
        #expect(try await store.revokeCampaignCodes() == 0)
    }

    @Test(
        "phone numbers are found for the users asked about, whatever the case of their names",
        arguments: StoreBackend.allCases)
    func phoneNumbers(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        _ = try await fixture.store.createUser(NewUser(name: "bob"), now: fixture.now)
        #expect(try await fixture.store.phoneNumbers(users: ["ALICE", "bob", "carol"]) == ["alice": "+14155550100"])
    }
}
