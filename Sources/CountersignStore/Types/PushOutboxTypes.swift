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
