import CountersignCore
import CountersignGateway
import CountersignPush
import Foundation
import GatewayTestSupport
import Testing

@Suite("FCM delivery to the gateway emulator over HTTP/2 and TLS")
struct FCMDeliveryTests {
    @Test("an OAuth2 grant yields an access token, and the message reaches the inbox")
    func delivers() async throws {
        try await GatewayHarness.run { gateway in
            let transport = gateway.transport
            let client = try FCMClient(transport: transport, account: try gateway.serviceAccount())
            let device = try await gateway.state.register(platform: .fcm, phone: "bob")
            let message = FCMMessage(token: device.token, data: ["tx": "t-9"], timeToLive: 60, messageKey: "outbox-9")
            #expect(try await client.send(message) == .delivered)
            let inbox = await gateway.state.inbox(device.token, after: 0)
            #expect(inbox.map(\.id) == ["outbox-9"])
            #expect(inbox.first?.payload.contains("\"tx\":\"t-9\"") == true)
        }
    }

    @Test("UNREGISTERED, quota and auth answers lead to their actions")
    func answerClasses() async throws {
        try await GatewayHarness.run { gateway in
            let transport = gateway.transport
            let client = try FCMClient(transport: transport, account: try gateway.serviceAccount())
            let device = try await gateway.state.register(platform: .fcm, phone: "bob")
            let message = FCMMessage(token: device.token, data: [:], timeToLive: 60, messageKey: "k")

            await gateway.state.addFault(.init(status: 429, reason: "QUOTA_EXCEEDED", retryAfter: 5), for: device.token)
            #expect(try await client.send(message) == .retry(reason: "QUOTA_EXCEEDED", after: 5))

            // A refused access token is replaced once; the message then goes through.
            await gateway.state.addFault(.init(status: 401, reason: "THIRD_PARTY_AUTH_ERROR"), for: device.token)
            #expect(try await client.send(message) == .delivered)

            try await gateway.state.unregister(device.token, at: Date())
            #expect(try await client.send(message) == .tokenInvalid(reason: "UNREGISTERED"))
        }
    }

    @Test("a grant signed by another key is refused")
    func forgedGrant() async throws {
        try await GatewayHarness.run { gateway in
            let transport = gateway.transport
            var account = try gateway.serviceAccount()
            account.privateKey = try GatewayIdentityKeys.freshRSAPEM()
            let client = try FCMClient(transport: transport, account: account)
            let error = await #expect(throws: PushRequestError.self) {
                try await client.tokens.token()
            }
            #expect(error?.message.contains("invalid_grant") == true)
        }
    }
}
