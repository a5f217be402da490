import CountersignCore
import CountersignPush
import CountersignStore
import Foundation

/// Sends one claimed outbox message to its push service and says what the answer means.
public protocol PushSender: Sendable {
    func send(_ push: PendingPush) async throws -> PushOutcome
}

/// Sends through the current provider's APNs and FCM credentials.
public struct ProviderPushSender: PushSender {
    public let apns: APNsClient?
    public let apnsTopic: String
    public let fcm: FCMClient?
    let clock: any WallClock

    public init(apns: APNsClient?, apnsTopic: String, fcm: FCMClient?, clock: any WallClock = SystemWallClock()) {
        self.apns = apns
        self.apnsTopic = apnsTopic
        self.fcm = fcm
        self.clock = clock
    }

    public func send(_ push: PendingPush) async throws -> PushOutcome {
        switch push.platform {
        case .apns:
            guard let apns else { return .failed(reason: "the provider has no APNs credentials") }
            return try await apns.send(
                APNsNotification(
                    deviceToken: push.pushToken, topic: apnsTopic, expiration: push.deadline,
                    id: UUID(uuidString: push.id) ?? UUID(), collapseId: push.collapseId,
                    payload: try Self.apnsPayload(push.payload)))
        case .fcm:
            guard let fcm else { return .failed(reason: "the provider has no FCM credentials") }
            let ttl = max(0, Int(push.deadline.timeIntervalSince(clock.now()).rounded(.down)))
            return try await fcm.send(
                FCMMessage(
                    token: push.pushToken, data: ["countersign": push.payload], timeToLive: ttl, messageKey: push.id))
        case .pollOnly:
            return .failed(reason: "a poll-only device gets no push")
        }
    }

    /// A visible alert that says nothing personal, and the app's own data under "countersign".
    static func apnsPayload(_ appPayload: String) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: Data(appPayload.utf8))
        let body: [String: Any] = [
            "aps": [
                "alert": ["title": "Sign-in request", "body": "Open Countersign to approve or deny"],
                "sound": "default", "content-available": 1,
            ] as [String: Any],
            "countersign": object,
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }
}
