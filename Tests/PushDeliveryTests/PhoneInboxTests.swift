import CountersignCore
import CountersignGateway
import CountersignPhoneKit
import CountersignPush
import Foundation
import GatewayTestSupport
import Hummingbird
import Testing

@Suite("The simulated phone and the gateway's control port")
struct PhoneInboxTests {
    @Test("a phone gets a push token from the gateway and reads what APNs delivered to it")
    func phoneReadsInbox() async throws {
        try await GatewayHarness.run { gateway in
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let control = gateway.server.makeControlApplication(host: "127.0.0.1", port: 0) { continuation.yield($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await control.runService(gracefulShutdownSignals: []) }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let phone = GatewayClient(controlURL: try #require(URL(string: "http://127.0.0.1:\(port)")))

                let device = try await phone.register(platform: .apns, phone: "alice")
                #expect(APNsNotification.isWellFormedToken(device.token))
                #expect(try await phone.inbox(token: device.token).isEmpty)

                let client = APNsClient(transport: gateway.transport, tokens: try gateway.apnsTokens())
                #expect(try await client.send(gateway.notification(to: device.token)) == .delivered)
                let inbox = try await phone.inbox(token: device.token, wait: 5)
                #expect(inbox.count == 1)
                #expect(try await phone.inbox(token: device.token, after: inbox[0].sequence).isEmpty)
            }
        }
    }
}
