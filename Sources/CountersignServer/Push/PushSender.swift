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
    ///
    /// The outbox payload is a JSON object the server itself wrote, so it is spliced in as it is
    /// rather than parsed and re-encoded on the hot path.
    static func apnsPayload(_ appPayload: String) throws -> Data {
        // JSON whitespace only, compared as bytes: Foundation's trimming cost 3 % of the dispatcher.
        let bytes = appPayload.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) }),
            bytes[first] == UInt8(ascii: "{"), bytes[last] == UInt8(ascii: "}")
        else { throw PushRequestError("an outbox payload must be a JSON object") }
        var data = Data(apsPrefix.utf8)
        data.reserveCapacity(data.count + bytes.count + 1)
        data.append(contentsOf: bytes[first...last])
        data.append(UInt8(ascii: "}"))
        return data
    }

    static let apsPrefix =
        #"{"aps":{"alert":{"body":"Open Countersign to approve or deny","title":"Sign-in request"},"content-available":1,"sound":"default"},"countersign":"#
}
