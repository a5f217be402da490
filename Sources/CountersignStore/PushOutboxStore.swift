import CountersignCore
import Foundation

/// A push message claimed for sending, with what the dispatcher needs to address it.
public struct PendingPush: Sendable, Equatable {
    public var id: String
    public var deviceId: String
    public var platform: DevicePlatform
    public var environment: PushEnvironment
    public var pushToken: String
    public var payload: String
    public var collapseId: String?
    public var deadline: Date
    /// This attempt's number, from 1.
    public var attempt: Int
}

/// A push to queue.
public struct NewPush: Sendable {
    public var deviceId: String
    public var payload: String
    public var collapseId: String?
    public var deadline: Date

    public init(deviceId: String, payload: String, collapseId: String?, deadline: Date) {
        self.deviceId = deviceId
        self.payload = payload
        self.collapseId = collapseId
        self.deadline = deadline
    }
}

/// How one attempt ended, as the store records it.
public enum PushAttemptResult: Sendable, Equatable {
    case sent
    case retry(at: Date, reason: String)
    /// The device's token is dead: the device's token is marked invalid too.
    case tokenInvalid(reason: String)
    case failed(reason: String)
    case expired
}

/// Counts of outbox messages by state, for metrics and tests.
public struct PushOutboxCounts: Sendable, Equatable {
    public var queued = 0
    public var sending = 0
    public var sent = 0
    public var failed = 0
    public var expired = 0
    public var cancelled = 0
    public init() {}
}

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
