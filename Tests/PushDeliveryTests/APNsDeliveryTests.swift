import CountersignCore
import CountersignGateway
import CountersignPush
import Foundation
import GatewayTestSupport
import Testing

@Suite("APNs delivery to the gateway emulator over HTTP/2 and TLS")
struct APNsDeliveryTests {
    @Test("a notification reaches the simulated phone's inbox over HTTP/2, with its apns-id")
    func delivers() async throws {
        try await GatewayHarness.run { gateway in
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            let transport = gateway.transport
            let id = UUID()
            let response = try await transport.send(
                try gateway.notification(to: device.token, id: id).request(
                    providerToken: try await gateway.apnsTokens().token()))
            #expect(response.status == 200)
            #expect(response.httpVersion == "HTTP/2.0")
            let inbox = await gateway.state.inbox(device.token, after: 0)
            #expect(inbox.map(\.id) == [id.uuidString.lowercased()])
            #expect(inbox.first?.payload.contains("\"tx\":\"t-1\"") == true)
        }
    }

    @Test("each class of answer leads to its action")
    func answerClasses() async throws {
        try await GatewayHarness.run { gateway in
            let transport = gateway.transport
            let client = APNsClient(transport: transport, tokens: try gateway.apnsTokens())
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            let cases: [(GatewayState.Fault, PushOutcome)] = [
                (.init(status: 410, reason: "Unregistered"), .tokenInvalid(reason: "Unregistered")),
                (.init(status: 400, reason: "BadDeviceToken"), .tokenInvalid(reason: "BadDeviceToken")),
                (
                    .init(status: 429, reason: "TooManyRequests", retryAfter: 3),
                    .retry(reason: "TooManyRequests", after: 3)
                ),
                (.init(status: 500, reason: "InternalServerError"), .retry(reason: "InternalServerError", after: nil)),
                (.init(status: 413, reason: "PayloadTooLarge"), .failed(reason: "PayloadTooLarge")),
            ]
            for (fault, expected) in cases {
                await gateway.state.addFault(fault, for: device.token)
                #expect(try await client.send(gateway.notification(to: device.token)) == expected)
            }
            #expect(try await client.send(gateway.notification(to: device.token)) == .delivered)
            #expect(await gateway.state.inbox(device.token, after: 0).count == 1)
        }
    }

    @Test("the emulator checks what APNs checks")
    func validation() async throws {
        try await GatewayHarness.run { gateway in
            let transport = gateway.transport
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            let jwt = try await gateway.apnsTokens().token()
            func reason(_ change: (inout OutgoingRequest) -> Void) async throws -> String? {
                var request = try gateway.notification(to: device.token).request(providerToken: jwt)
                change(&request)
                return APNsAnswer.reason(in: try await transport.send(request).body)
            }
            func setHeader(_ name: String, _ value: String) -> (inout OutgoingRequest) -> Void {
                { request in
                    request.headers.removeAll { $0.name == name }
                    request.headers.append((name, value))
                }
            }
            #expect(try await reason(setHeader("apns-topic", "com.other.app")) == "TopicDisallowed")
            #expect(try await reason(setHeader("apns-priority", "7")) == "BadPriority")
            #expect(try await reason(setHeader("apns-id", "not-a-uuid")) == "BadMessageId")
            #expect(try await reason(setHeader("apns-expiration", "soon")) == "BadExpirationDate")
            #expect(try await reason(setHeader("apns-push-type", "fax")) == "InvalidPushType")
            #expect(try await reason(setHeader("authorization", "bearer not.a.jwt")) == "InvalidProviderToken")
            #expect(try await reason({ $0.headers.removeAll { $0.name == "authorization" } }) == "MissingProviderToken")
            #expect(try await reason({ $0.body = Data(repeating: 0x20, count: 4097) }) == "PayloadTooLarge")
            #expect(
                try await reason({ $0.path = "/3/device/" + String(repeating: "0", count: 64) }) == "BadDeviceToken")
            let otherKey = try APNsProviderTokens(
                privateKeyPEM: P256PEM.make(), keyId: gateway.identity.apns.keyId, teamId: gateway.identity.apns.teamId)
            let forged = try await otherKey.token()
            #expect(try await reason(setHeader("authorization", "bearer \(forged)")) == "InvalidProviderToken")
            #expect(await gateway.state.inbox(device.token, after: 0).isEmpty)
        }
    }

    @Test("a refused provider token is refreshed once when 20 minutes old, and not before")
    func providerTokenRefresh() async throws {
        let clock = MovableClock()
        try await GatewayHarness.run(clock: clock) { gateway in
            let transport = gateway.transport
            let tokens = try gateway.apnsTokens(clock: clock)
            let client = APNsClient(transport: transport, tokens: tokens, clock: clock)
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            #expect(try await client.send(gateway.notification(to: device.token)) == .delivered)
            let first = await tokens.issuedAt

            await gateway.state.addFault(.init(status: 403, reason: "ExpiredProviderToken"), for: device.token)
            #expect(
                try await client.send(gateway.notification(to: device.token))
                    == .refreshCredentials(reason: "ExpiredProviderToken"))
            #expect(await tokens.issuedAt == first)

            clock.advance(minutes: 21)
            await gateway.state.addFault(.init(status: 403, reason: "ExpiredProviderToken"), for: device.token)
            #expect(try await client.send(gateway.notification(to: device.token)) == .delivered)
            #expect(await tokens.issuedAt != first)
            #expect(await gateway.state.inbox(device.token, after: 0).count == 2)
        }
    }

    @Test("a token older than an hour is refused as expired by the emulator")
    func expiredProviderToken() async throws {
        let clock = MovableClock()
        try await GatewayHarness.run(clock: clock) { gateway in
            let transport = gateway.transport
            let device = try await gateway.state.register(platform: .apns, phone: "alice")
            let jwt = try await gateway.apnsTokens().token()
            clock.advance(minutes: 61)
            let response = try await transport.send(
                try gateway.notification(to: device.token).request(providerToken: jwt))
            #expect(response.status == 403)
            #expect(APNsAnswer.reason(in: response.body) == "ExpiredProviderToken")
        }
    }
}

enum P256PEM {
    static func make() -> String {
        // A key the emulator has never seen.
        GatewayIdentityKeys.freshP256PEM()
    }
}
