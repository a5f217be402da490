import CountersignClient
import CountersignCore
import CountersignGateway
import CountersignPhoneKit
import Foundation
import GRDB
import GatewayTestSupport
import Testing

/// SMS codes and voice calls through the gateway emulator's telephony endpoint (HTTPS, bearer token).
@Suite("SMS and voice sign-in")
struct PhoneSignInTests {
    static let carolPhone = "+14155550100"

    /// A live server whose provider sends through the emulator, with carol (a US phone) added.
    static func run(_ body: @Sendable @escaping (SignInSetup, GatewayHarness) async throws -> Void) async throws {
        try await SignInSetup.run { setup in
            try await GatewayHarness.run { gateway in
                try await setup.server.store.setTelephonySettings(
                    TelephonySettings(gateways: [gateway.telephonyGateway]), provider: "acme")
                _ = try await setup.server.store.updateProviderSettings(name: "acme") { settings in
                    settings.smsLongNumber = "+15555550100"
                    settings.voiceCallerId = "+15555550199"
                }
                for (name, phone) in [("carol", carolPhone), ("dave", "+16135550100"), ("erin", "+447700900123")] {
                    _ = try await setup.admin.request(
                        "POST", "/v1/users",
                        body: CreateUserRequest(
                            name: name, firstName: nil, lastName: nil, email: nil, phone: phone, country: nil),
                        as: UserView.self)
                }
                try await body(setup, gateway)
            }
        }
    }

    static func request(_ method: AuthMethod, user: String = "carol") -> AuthRequest {
        AuthRequest(user: user, method: method, context: AuthContext(application: "VPN"))
    }

    static func verify(_ setup: SignInSetup, _ id: String, _ code: String) async throws -> AuthTransaction {
        try await setup.api.request(
            "POST", "/v1/auth/\(id)/verify", body: VerifyCodeRequest(code: code), as: AuthTransaction.self)
    }

    /// The code in the newest text to `number`.
    static func textedCode(_ gateway: GatewayHarness, to number: String = carolPhone) async throws -> (String, String) {
        let text = try #require(await gateway.telephony.messages(to: number, after: 0).last)
        let code = try #require(text.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 })
        return (String(code), text.from)
    }

    @Test("a texted code verifies once; a wrong one is denied and counted; every attempt is logged")
    func smsCode() async throws {
        try await Self.run { setup, gateway in
            let started = try await setup.start(Self.request(.sms))
            #expect(started.state == .pending)
            #expect(started.method == .sms)
            #expect(abs(started.deadline.timeIntervalSince(started.createdAt) - 300) < 0.01)
            let (code, sender) = try await Self.textedCode(gateway)
            #expect(SMSSender.usShortCodes.contains(sender))

            let wrong = code == "000000" ? "111111" : "000000"
            #expect(try await Self.verify(setup, started.transactionId, wrong).state == .denied)
            #expect(try await Self.verify(setup, started.transactionId, code).state == .approved)
            let again = await #expect(throws: ClientError.self) {
                try await Self.verify(setup, started.transactionId, code)
            }
            #expect(again?.code == "code_not_pending")
            #expect(try await setup.outcome(started.transactionId).state == .approved)

            let stored = try await setup.server.pool.read { db in
                try String.fetchAll(db, sql: "SELECT secret_hash FROM phone_challenge")
            }
            #expect(stored.count == 1 && stored.first?.contains(code) == false)
            let log = try await setup.log()
            #expect(log.map(\.outcome) == ["refused", "approved", "denied"])
            #expect(log.allSatisfy { $0.mode == "sms" && $0.user == "carol" })
            #expect(log.first?.phone == Self.carolPhone)
        }
    }

    @Test("the sixth send in five minutes is refused with the time to wait; a new code replaces the old")
    func sendLimit() async throws {
        try await Self.run { setup, gateway in
            let first = try await setup.start(Self.request(.sms))
            let (firstCode, _) = try await Self.textedCode(gateway)
            var senders = Set<String>()
            for _ in 0..<4 {
                setup.server.clock.advance(by: 10)
                _ = try await setup.start(Self.request(.sms))
                senders.insert(try await Self.textedCode(gateway).1)
            }
            #expect(senders.count > 1, "the short codes rotate")
            let refused = await #expect(throws: ClientError.self) { try await setup.start(Self.request(.sms)) }
            #expect(refused?.status == 429)
            #expect(refused?.code == "too_many_sends")
            #expect(refused?.message.contains("try again after") == true)

            let replaced = await #expect(throws: ClientError.self) {
                try await Self.verify(setup, first.transactionId, firstCode)
            }
            #expect(replaced?.code == "code_not_pending")

            // Once the first send is five minutes old, one more may go.
            setup.server.clock.advance(by: 260)
            #expect(try await setup.start(Self.request(.sms)).state == .pending)
        }
    }

    @Test("method auto texts a user with no app paired under the current activation, and pushes one with an app")
    func autoFallsBackToSMS() async throws {
        try await Self.run { setup, gateway in
            let carol = try await setup.start(Self.request(.auto))
            #expect(carol.method == .sms)
            #expect(await gateway.telephony.messages(to: Self.carolPhone, after: 0).count == 1)
            #expect(try await setup.start(Self.request(.auto, user: "alice")).method == .push)
        }
    }

    @Test("after a re-activation the campaign texts each user a fresh pairing link, and says who has no phone")
    func repairCampaignBySMS() async throws {
        try await Self.run { setup, gateway in
            let code = try await setup.server.pairingCode(for: "carol")
            _ = try await PhoneClient(clock: setup.server.clock).pair(
                PairingURL(server: setup.api.baseURL, code: code), platform: .pollOnly, pushToken: nil)
            _ = try await setup.admin.request(
                "POST", "/v1/providers", body: CreateProviderRequest(name: "beta", billing: .perUser, tenant: nil),
                as: ProviderView.self)
            _ = try await setup.admin.request(
                "POST", "/v1/activations/reactivate", body: ReactivateRequest(provider: "beta"),
                as: ReactivationResult.self)

            let issued = try await setup.admin.request(
                "POST", "/v1/repair-campaign", body: StartRepairCampaignRequest(send: .sms), as: [RepairStatus].self)
            #expect(issued.map(\.user) == ["alice", "carol"])
            #expect(issued.first?.problem == "no phone number")
            #expect(issued.last?.problem == nil)
            let text = try #require(await gateway.telephony.messages(to: Self.carolPhone, after: 0).last)
            #expect(text.text.contains("countersign://pair?"), "\(text.text)")
            #expect(SMSSender.usShortCodes.contains(text.from))
        }
    }

    @Test("a code used after its timeout is refused, and the sweeper logs the timeout")
    func expiry() async throws {
        try await Self.run { setup, gateway in
            let started = try await setup.start(Self.request(.sms))
            let (code, _) = try await Self.textedCode(gateway)
            setup.server.clock.advance(by: 301)
            let late = await #expect(throws: ClientError.self) {
                try await Self.verify(setup, started.transactionId, code)
            }
            #expect(late?.code == "code_expired")
            #expect(try await setup.outcome(started.transactionId).state == .timeout)
        }
    }

    @Test("a pending code still verifies after the server restarts")
    func survivesRestart() async throws {
        try await Self.run { setup, gateway in
            let started = try await setup.start(Self.request(.sms))
            let (code, _) = try await Self.textedCode(gateway)
            let restarted = try setup.server.restarted()
            try await restarted.makeApplication().test(.live) { client in
                let port = try #require(client.port)
                let api = JSONHTTPClient(
                    baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")),
                    defaultHeaders: setup.api.defaultHeaders)
                let verified = try await api.request(
                    "POST", "/v1/auth/\(started.transactionId)/verify", body: VerifyCodeRequest(code: code),
                    as: AuthTransaction.self)
                #expect(verified.state == .approved)
            }
        }
    }

    @Test("Canadian numbers get Canadian short codes, others the provider's long number")
    func senders() async throws {
        try await Self.run { setup, gateway in
            _ = try await setup.start(Self.request(.sms, user: "dave"))
            #expect(SMSSender.canadianShortCodes.contains(try await Self.textedCode(gateway, to: "+16135550100").1))
            _ = try await setup.start(Self.request(.sms, user: "erin"))
            #expect(try await Self.textedCode(gateway, to: "+447700900123").1 == "+15555550100")
            #expect(SMSSender.country(of: "+18765550100", fallback: nil) == "JM")
            #expect(SMSSender.country(of: "+12125550100", fallback: nil) == "US")
        }
    }

    @Test("a gateway that fails is skipped for the next; when none accepts, the sign-in fails with 502")
    func failover() async throws {
        try await Self.run { setup, gateway in
            let dead = TelephonyGatewaySettings(url: "https://127.0.0.1:9/telephony", authHeader: "Authorization: x")
            try await setup.server.store.setTelephonySettings(
                TelephonySettings(gateways: [dead, gateway.telephonyGateway]), provider: "acme")
            #expect(try await setup.start(Self.request(.sms)).state == .pending)
            #expect(await gateway.telephony.messages(to: Self.carolPhone, after: 0).count == 1)

            var wrongToken = gateway.telephonyGateway
            wrongToken.authHeader = "Authorization: Bearer wrong"
            try await setup.server.store.setTelephonySettings(
                TelephonySettings(gateways: [dead, wrongToken]), provider: "acme")
            let failed = await #expect(throws: ClientError.self) { try await setup.start(Self.request(.sms)) }
            #expect(failed?.status == 502)
            #expect(failed?.message.contains("HTTP 401") == true)
            #expect(try await setup.log().first?.outcome == "failed")
        }
    }

    @Test("a call answered with # approves; 0# reports fraud; a forged callback token is refused")
    func voice() async throws {
        try await Self.run { setup, gateway in
            for (digits, expected) in [("#", AuthState.approved), ("0#", .fraud)] {
                let started = try await setup.start(Self.request(.voice))
                #expect(started.state == .pending)
                let call = try #require(await gateway.telephony.messages(to: Self.carolPhone, after: 0).last)
                #expect(call.kind == "voice" && call.from == "+15555550199")
                #expect(call.text.contains("Press the pound key"))
                let callId = try #require(call.callId)
                let callback = try #require(await gateway.telephony.callbackURL(forCall: callId))
                // The callback names the configured public URL; post it to the live test server instead.
                let query = try #require(callback.query)
                let forged = await #expect(throws: ClientError.self) {
                    try await setup.api.request(
                        "POST", "/v1/telephony/calls/\(started.transactionId)?token=forged",
                        body: VoiceCallAnswer(digits: "#"), as: AuthTransaction.self)
                }
                #expect(forged?.status == 404)
                let answered = try await setup.api.request(
                    "POST", "/v1/telephony/calls/\(started.transactionId)?\(query)",
                    body: VoiceCallAnswer(digits: digits),
                    as: AuthTransaction.self)
                #expect(answered.state == expected)
                #expect(try await setup.outcome(started.transactionId).state == expected)
            }
        }
    }
}
