import CountersignCore
import Foundation

/// Sends FCM v1 messages and reads the answers. A refused access token is replaced once and the
/// message tried again with the new one.
public struct FCMClient: Sendable {
    public let transport: any PushTransport
    public let tokens: FCMAccessTokens
    public let projectId: String
    let clock: any WallClock

    /// Makes the access-token source too, trading grants at the account's token URI through
    /// `tokenTransport` (Google's token host is not the FCM host), or `transport` when none is given.
    public init(
        transport: any PushTransport, tokenTransport: (any PushTransport)? = nil, account: FCMServiceAccount,
        clock: any WallClock = SystemWallClock()
    ) throws {
        let tokenTransport = tokenTransport ?? transport
        self.transport = transport
        self.projectId = account.projectId
        self.clock = clock
        self.tokens = try FCMAccessTokens(account: account, clock: clock) { tokenURI, form in
            let response = try await tokenTransport.send(
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
