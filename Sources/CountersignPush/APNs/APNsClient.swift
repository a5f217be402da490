import CountersignCore
import Foundation

/// Sends APNs notifications and reads the answers. A refused provider token is refreshed once, within
/// the 20-minute rule, and the notification tried again with it.
public struct APNsClient: Sendable {
    public let transport: any PushTransport
    public let tokens: APNsProviderTokens
    let clock: any WallClock

    public init(transport: any PushTransport, tokens: APNsProviderTokens, clock: any WallClock = SystemWallClock()) {
        self.transport = transport
        self.tokens = tokens
        self.clock = clock
    }

    public func send(_ notification: APNsNotification) async throws -> PushOutcome {
        let outcome = try await attempt(notification)
        guard case .refreshCredentials = outcome, try await tokens.refreshAfterRefusal() else { return outcome }
        return try await attempt(notification)
    }

    func attempt(_ notification: APNsNotification) async throws -> PushOutcome {
        let request = try notification.request(providerToken: try await tokens.token())
        let response = try await transport.send(request)
        return APNsAnswer.outcome(
            status: response.status, body: response.body, retryAfter: response.retryAfter, now: clock.now())
    }
}
