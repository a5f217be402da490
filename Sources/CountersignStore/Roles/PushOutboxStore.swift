import CountersignCore
import Foundation

/// The durable push outbox. A message is sent at least once: it is claimed (state `sending`)
/// before it goes out and completed after, and a crash in between leaves it `sending`, which the
/// next start turns back into `queued`. A message past its deadline is never sent.
public protocol PushOutboxStore: Sendable {
    /// Queues a push for a device; returns the message id.
    func enqueuePush(deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date) async throws
        -> String
    /// After a restart: messages left `sending` by a crash go back to `queued`. Returns how many.
    func requeueInterruptedPushes() async throws -> Int
    /// Expires overdue messages, then claims up to `limit` due ones (oldest first) for sending.
    func claimDuePushes(now: Date, limit: Int) async throws -> [PendingPush]
    /// Records the outcomes of a batch of attempts in one transaction (one disk sync for the batch).
    func recordPushAttempts(_ results: [(id: String, result: PushAttemptResult)], now: Date) async throws
    /// Queues many pushes in one transaction; returns their ids in order.
    func enqueuePushes(_ pushes: [NewPush], now: Date) async throws -> [String]
    /// When the next queued message falls due, if any.
    func nextPushDue() async throws -> Date?
    func pushOutboxCounts() async throws -> PushOutboxCounts
}

extension PushOutboxStore {
    public func recordPushAttempt(id: String, result: PushAttemptResult, now: Date) async throws {
        try await recordPushAttempts([(id, result)], now: now)
    }
}
