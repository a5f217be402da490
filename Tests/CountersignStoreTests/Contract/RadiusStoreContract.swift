import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: RADIUS clients and dialogue rounds")
struct RadiusStoreContract {
    func client(_ name: String, network: String = "10.0.0.0/8") throws -> RadiusClient {
        RadiusClient(
            name: name, secret: Array("a shared secret of 24 b".utf8),
            settings: RadiusClientSettings(
                network: try AddressRange(network), mode: .push,
                firstFactor: .radius(
                    UpstreamRadiusServer(
                        host: "192.0.2.5", port: 1812, secret: Array("upstream-secret!".utf8), timeoutSeconds: 4)),
                timeoutSeconds: 45, requireMessageAuthenticator: false, delimiter: "|"),
            createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test(
        "clients keep every setting and both secrets; names are unique; changes and deletes take",
        arguments: StoreBackend.allCases)
    func clients(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        let vpn = try client("vpn")
        _ = try await store.addRadiusClient(vpn)
        #expect(try await store.radiusClients() == [vpn])
        await #expect(throws: StoreError.radiusClientExists("VPN")) {
            try await store.addRadiusClient(try client("VPN"))
        }

        var settings = vpn.settings
        settings.mode = .challenge
        settings.firstFactor = .none
        settings.network = try AddressRange("192.0.2.10")
        let updated = try await store.updateRadiusClient(name: "vpn", settings: settings, secret: nil)
        #expect(updated.secret == vpn.secret && updated.settings == settings)
        let rekeyed = try await store.updateRadiusClient(
            name: "vpn", settings: settings, secret: Array("another secret, 16+".utf8))
        #expect(try await store.radiusClients() == [rekeyed])
        await #expect(throws: StoreError.radiusClientNotFound("wifi")) {
            try await store.updateRadiusClient(name: "wifi", settings: settings, secret: nil)
        }
        try await store.deleteRadiusClient(name: "vpn")
        #expect(try await store.radiusClients().isEmpty)
        await #expect(throws: StoreError.radiusClientNotFound("vpn")) {
            try await store.deleteRadiusClient(name: "vpn")
        }
    }

    @Test(
        "a round is taken once, by its own client, before it expires; expired rounds are cleared",
        arguments: StoreBackend.allCases)
    func rounds(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        let now = fixture.now
        let round = RadiusRound(
            client: "vpn", user: "ann", step: .push, transactionId: "tx-1", carriedAttributes: [25, 4, 1, 2],
            expiresAt: now + 300)
        try await store.saveRadiusRound(round, stateHash: "h1", now: now)
        #expect(try await store.takeRadiusRound(stateHash: "h1", client: "wifi", now: now) == nil)
        try await store.saveRadiusRound(round, stateHash: "h2", now: now)
        #expect(try await store.takeRadiusRound(stateHash: "h2", client: "VPN", now: now) == round)
        #expect(try await store.takeRadiusRound(stateHash: "h2", client: "vpn", now: now) == nil, "a State works once")
        try await store.saveRadiusRound(round, stateHash: "h3", now: now)
        #expect(try await store.takeRadiusRound(stateHash: "h3", client: "vpn", now: now + 300) == nil, "expired")
        #expect(try await store.takeRadiusRound(stateHash: "unknown", client: "vpn", now: now) == nil)
    }
}
