import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: providers and their credentials")
struct ProviderStoreContract {
    @Test(
        "a provider is created once, read back by name, and its settings change in one step",
        arguments: StoreBackend.allCases)
    func providers(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        let created = try await store.createProvider(
            NewProvider(name: "acme", billing: .perAuthentication, tenant: "t1"), now: fixture.now)
        #expect(created.billing == .perAuthentication && created.tenant == "t1" && !created.isCurrent)
        await #expect(throws: StoreError.providerExists("acme")) {
            try await store.createProvider(NewProvider(name: "acme", billing: .perUser, tenant: nil), now: fixture.now)
        }
        await #expect(throws: StoreError.providerNotFound("nope")) { try await store.provider(named: "nope") }
        let changed = try await store.updateProviderSettings(name: "acme") {
            $0.allowAppPasswords = true
            $0.smsLongNumber = "+447700900123"
        }
        #expect(changed.settings.allowAppPasswords && changed.settings.smsLongNumber == "+447700900123")
        #expect(try await store.provider(named: "acme").settings == changed.settings)
        #expect(try await store.providers().map(\.name) == ["acme"])
    }

    @Test(
        "push credentials and telephony gateways come back as set, and only with the master key",
        arguments: StoreBackend.allCases)
    func sealedCredentials(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        #expect(try await store.pushSettings(provider: "acme") == nil)
        let push = ProviderPushSettings(
            apns: .init(
                baseURL: "https://api.push.apple.com", keyId: "KEY1", teamId: "TEAM1", topic: "com.example.app",
                privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----", trustRootsPEM: nil),
            fcm: nil)
        try await store.setPushSettings(push, provider: "acme")
        #expect(try await store.pushSettings(provider: "acme") == push)
        let telephony = TelephonySettings(
            gateways: [TelephonyGatewaySettings(url: "https://gw.example/sms", authHeader: "Authorization: Bearer s")])
        try await fixture.withTelephony()
        try await store.setTelephonySettings(telephony, provider: "acme")
        #expect(try await store.telephonySettings(provider: "acme") == telephony)

        let otherKey = try await fixture.reopened(masterKey: SecretBox.generateMasterKey())
        await #expect(throws: SecretBox.Failure.cannotOpen) { try await otherKey.pushSettings(provider: "acme") }
        try await store.setTelephonySettings(nil, provider: "acme")
        #expect(try await store.telephonySettings(provider: "acme") == nil)
    }
}
