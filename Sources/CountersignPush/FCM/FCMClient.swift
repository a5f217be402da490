import CountersignCore
import Foundation

/// Sends FCM v1 messages and reads the answers. A refused access token is replaced once and the
/// message tried again with the new one.
public struct FCMClient: Sendable {
    public let transport: HTTPPushTransport
    public let tokens: FCMAccessTokens
    public let projectId: String
    let clock: any WallClock

    /// Makes the access-token source too, trading grants at the account's token URI through `transport`.
    public init(transport: HTTPPushTransport, account: FCMServiceAccount, clock: any WallClock = SystemWallClock())
        throws
    {
        self.transport = transport
        self.projectId = account.projectId
        self.clock = clock
        self.tokens = try FCMAccessTokens(account: account, clock: clock) { tokenURI, form in
            let response = try await transport.send(
                OutgoingRequest(
                    method: "POST", path: tokenURI, headers: [("content-type", "application/x-www-form-urlencoded")],
                    body: form))
            return (response.status, response.body)
        }
    }

    public func send(_ message: FCMMessage) async throws -> PushOutcome {
        let outcome = try await attempt(message, accessToken: try await tokens.token())
        guard case .refreshCredentials = outcome else { return outcome }
        return try await attempt(message, accessToken: try await tokens.refresh())
    }

    func attempt(_ message: FCMMessage, accessToken: String) async throws -> PushOutcome {
        let now = clock.now()
        let response = try await transport.send(
            try message.request(projectId: projectId, accessToken: accessToken, now: now))
        return FCMAnswer.outcome(
            status: response.status, body: response.body, retryAfter: response.retryAfter, now: now)
    }
}
