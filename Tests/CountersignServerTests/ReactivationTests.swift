import CountersignClient
import CountersignCore
import CountersignPhoneKit
import CountersignStore
import Crypto
import Foundation
import GRDB
import Testing

/// Re-activation over HTTP: a new activation invalidates every app paired under the old one.
@Suite("Re-activation")
struct ReactivationTests {
    func reactivate(_ setup: SignInSetup, provider: String, force: Bool = false) async throws -> ReactivationResult {
        try await setup.admin.request(
            "POST", "/v1/activations/reactivate", body: ReactivateRequest(provider: provider, force: force),
            as: ReactivationResult.self)
    }

    func createProvider(_ setup: SignInSetup, _ name: String, tenant: String? = nil) async throws {
        _ = try await setup.admin.request(
            "POST", "/v1/providers",
            body: CreateProviderRequest(name: name, billing: .perAuthentication, tenant: tenant),
            as: ProviderView.self)
    }

    @Test("a sign-in started after the activation changed behind the server's cache uses the new one")
    func staleActivationCache() async throws {
        try await SignInSetup.run { setup in
            // The first sign-in leaves the current activation in the server's cache.
            _ = try await setup.start()
            // Re-activated through the store, not the route, so nothing tells the cache.
            _ = try await setup.server.store.reactivate(
                providerName: "acme", force: true, serverKey: P256.Signing.PrivateKey(),
                origin: AuthLogOrigin(serverName: "test", serverIP: nil), now: Date())
            // The store refuses the stale activation; the server forgets it and decides on the new one:
            // alice's app belongs to the old activation, so push needs her to pair again.
            let refused = await #expect(throws: ClientError.self) { try await setup.start() }
            #expect(refused?.status == 409)
            #expect(refused?.code == "no_activated_device")
        }
    }

    @Test("the old pairing stops working everywhere until the user pairs again; the campaign tracks it")
    func invalidatesOldPairings() async throws {
        try await SignInSetup.run { setup in
            let pending = try await setup.start()
            try await createProvider(setup, "beta", tenant: "other")
            let result = try await reactivate(setup, provider: "beta")
            #expect(result.previousProvider == "acme")
            #expect(result.activation.provider == "beta")
            #expect(result.usersToRepair == 1 && result.devicesInvalidated == 1 && result.signInsEnded == 1)
            #expect(result.tenantChanged)

            // Refused from the re-activation's commit on; the row is marked by the background sweep.
            let listed = try await setup.admin.request("GET", "/v1/devices", as: [DeviceView].self)
            #expect(listed.map(\.status) == [.invalidated])
            #expect(listed.first?.statusReason == "server re-activated")
            let next = try #require(try await setup.server.store.markSupersededDevices(after: .start))
            #expect(try await setup.server.store.markSupersededDevices(after: next) == nil)
            let swept = try #require(
                try await setup.server.store.devices(user: "alice", page: PageRequest()).items.first)
            #expect(swept.status == .invalidated)
            #expect(swept.statusReason == "server re-activated")

            let ended = try await setup.outcome(pending.transactionId)
            #expect(ended.state == .failed && ended.reason == "server re-activated")
            let push = await #expect(throws: ClientError.self) { try await setup.start() }
            #expect(push?.code == "no_activated_device")
            #expect(push?.message.contains("paired (again)") == true)
            let code = try setup.account.code(at: setup.server.clock.now())
            let offline = await #expect(throws: ClientError.self) {
                try await setup.start(
                    AuthRequest(user: "alice", method: .totp, context: AuthContext(application: "VPN"), code: code))
            }
            #expect(offline?.code == "no_code_generator")
            let stale = await #expect(throws: (any Error).self) {
                try await setup.phone.pendingChallenges(for: setup.account)
            }
            #expect("\(stale.map { "\($0)" } ?? "")".contains("Authentication request is not for an activated account"))

            let before = try await setup.admin.request("GET", "/v1/repair-campaign", as: [RepairStatus].self)
            #expect(before == [RepairStatus(user: "alice", repaired: false)])
            let earlier = try await setup.admin.request(
                "POST", "/v1/repair-campaign", body: StartRepairCampaignRequest(send: .print), as: [RepairStatus].self)
            let earlierURL = try PairingURL(parsing: try #require(earlier.first?.pairingURL))
            // A second run revokes the first run's code and says until when its own works.
            let issued = try await setup.admin.request(
                "POST", "/v1/repair-campaign", body: StartRepairCampaignRequest(send: .print, validForSeconds: 3600),
                as: [RepairStatus].self)
            let expiresAt = try #require(issued.first?.expiresAt)
            #expect(abs(expiresAt.timeIntervalSince(setup.server.clock.now()) - 3600) <= 1)
            let revoked = await #expect(throws: (any Error).self) {
                try await setup.phone.pair(
                    PairingURL(server: setup.api.baseURL, code: earlierURL.code), platform: .pollOnly, pushToken: nil)
            }
            #expect("\(revoked.map { "\($0)" } ?? "")".contains("not known"))
            let url = try PairingURL(parsing: try #require(issued.first?.pairingURL))
            // The URL names the configured public address; pair against the live test server.
            let repaired = try await setup.phone.pair(
                PairingURL(server: setup.api.baseURL, code: url.code), platform: .pollOnly, pushToken: nil)
            let after = try await setup.admin.request("GET", "/v1/repair-campaign", as: [RepairStatus].self)
            #expect(after == [RepairStatus(user: "alice", repaired: true)])

            // Push works again, signed by the new activation's key.
            let again = try await setup.start()
            let received = try await setup.phone.pendingChallenges(for: repaired)
            guard case .genuine(let details) = try #require(received.first) else {
                Issue.record("the new pairing does not verify the new key's challenge")
                return
            }
            #expect(details.transactionId == again.transactionId)
            #expect(details.activationId == result.activation.id)
        }
    }

    @Test("the same provider needs --force; a forced re-activation makes a new key all the same")
    func forced() async throws {
        try await SignInSetup.run { setup in
            let refused = await #expect(throws: ClientError.self) { try await reactivate(setup, provider: "acme") }
            #expect(refused?.status == 409)
            #expect(refused?.message.contains("--force") == true)
            let forced = try await reactivate(setup, provider: "acme", force: true)
            #expect(forced.devicesInvalidated == 1)
            #expect(!forced.tenantChanged)
            #expect(forced.activation.id != forced.previousActivationId)
        }
    }

    @Test("within one tenant the new provider keeps the old configuration; another tenant starts from its own")
    func tenantRule() async throws {
        try await SignInSetup.run { setup in
            let telephony = TelephonySettings(gateways: [
                TelephonyGatewaySettings(url: "https://sms.example.com/send", authHeader: "Authorization: Bearer k")
            ])
            try await setup.server.store.setTelephonySettings(telephony, provider: "acme")
            _ = try await setup.server.store.updateProviderSettings(name: "acme") { $0.allowAppPasswords = true }
            try await createProvider(setup, "gamma")
            let sameTenant = try await reactivate(setup, provider: "gamma")
            #expect(!sameTenant.tenantChanged)
            #expect(sameTenant.carriedOver == ["settings", "telephony gateways"])
            #expect(try await setup.server.store.telephonySettings(provider: "gamma") == telephony)
            #expect(try await setup.server.store.provider(named: "gamma").settings.allowAppPasswords)

            try await createProvider(setup, "delta", tenant: "elsewhere")
            let otherTenant = try await reactivate(setup, provider: "delta")
            #expect(otherTenant.tenantChanged && otherTenant.carriedOver.isEmpty)
            #expect(try await setup.server.store.telephonySettings(provider: "delta") == nil)
            #expect(try await setup.server.store.provider(named: "delta").settings == ProviderSettings())
        }
    }

    @Test("sign-ins racing a re-activation all end in a final state with their log rows")
    func underLoad() async throws {
        try await SignInSetup.run { setup in
            try await createProvider(setup, "beta")
            let api = setup.api
            // Several users with paired apps, so that many sign-ins are stored before the switch.
            var phones: [(PhoneClient, PhoneAccount)] = []
            for index in 0..<5 {
                let name = "user\(index)"
                _ = try await setup.admin.request(
                    "POST", "/v1/users",
                    body: CreateUserRequest(
                        name: name, firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
                    as: UserView.self)
                let code = try await setup.server.pairingCode(for: name)
                let phone = PhoneClient(clock: setup.server.clock)
                let base = api.baseURL
                phones.append(
                    (
                        phone,
                        try await phone.pair(PairingURL(server: base, code: code), platform: .pollOnly, pushToken: nil)
                    ))
            }
            let attempts = 40
            let started = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<attempts {
                    group.addTask {
                        let request = AuthRequest(user: "user\(index % 5)", context: AuthContext(application: "VPN"))
                        return try? await api.request("POST", "/v1/auth", body: request, as: AuthTransaction.self)
                            .transactionId
                    }
                    if index == attempts / 2 {
                        group.addTask {
                            _ = try await reactivate(setup, provider: "beta")
                            return nil
                        }
                    }
                }
                var ids: [String] = []
                for try await id in group { if let id { ids.append(id) } }
                return ids
            }
            for id in started {
                let outcome = try await setup.outcome(id)
                #expect(outcome.state == .failed, "\(id) is \(outcome.state)")
            }
            // One row per attempt: a failed sign-in or a refusal; and nothing is left pending.
            #expect(try await setup.log().count == attempts)
            #expect(try await setup.server.store.nextChallengeDeadline() == nil)
        }
    }
}
