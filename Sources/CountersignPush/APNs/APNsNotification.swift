import Foundation

/// One notification for the APNs provider API (`POST /3/device/<token>`).
public struct APNsNotification: Sendable, Equatable {
    public enum PushType: String, Sendable {
        case alert
        case background
    }

    /// 10 delivers at once; 5 lets the device save power. Background pushes must use 5.
    public enum Priority: Int, Sendable {
        case immediate = 10
        case powerConsiderate = 5
    }

    public static let maximumPayloadBytes = 4096
    public static let maximumCollapseIdBytes = 64

    public var deviceToken: String
    public var topic: String
    public var pushType: PushType
    public var priority: Priority
    /// When APNs stops trying to deliver; nil sends `apns-expiration: 0` (deliver now or never).
    public var expiration: Date?
    /// The apns-id: the outbox id, so a retried send is recognisably the same message.
    public var id: UUID
    public var collapseId: String?
    /// The JSON payload (`{"aps": …}` and custom keys).
    public var payload: Data

    public init(
        deviceToken: String, topic: String, pushType: PushType = .alert, priority: Priority = .immediate,
        expiration: Date?, id: UUID, collapseId: String? = nil, payload: Data
    ) {
        self.deviceToken = deviceToken
        self.topic = topic
        self.pushType = pushType
        self.priority = priority
        self.expiration = expiration
        self.id = id
        self.collapseId = collapseId
        self.payload = payload
    }

    /// APNs device tokens are hexadecimal (64 characters today; Apple allows them to grow).
    public static func isWellFormedToken(_ token: String) -> Bool {
        (64...200).contains(token.utf8.count) && token.utf8.count % 2 == 0
            && token.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
            }
    }

    /// The request APNs expects, authorised with a provider token (JWT).
    public func request(providerToken: String) throws(PushRequestError) -> OutgoingRequest {
        guard Self.isWellFormedToken(deviceToken) else {
            throw PushRequestError("the APNs device token is not hexadecimal")
        }
        guard !payload.isEmpty else { throw PushRequestError("the APNs payload is empty") }
        guard payload.count <= Self.maximumPayloadBytes else {
            throw PushRequestError(
                "the APNs payload is \(payload.count) bytes; the limit is \(Self.maximumPayloadBytes)")
        }
        if let collapseId, collapseId.utf8.count > Self.maximumCollapseIdBytes {
            throw PushRequestError("apns-collapse-id is longer than \(Self.maximumCollapseIdBytes) bytes")
        }
        var headers: [(name: String, value: String)] = [
            ("authorization", "bearer \(providerToken)"),
            ("apns-topic", topic),
            ("apns-push-type", pushType.rawValue),
            ("apns-priority", String(pushType == .background ? Priority.powerConsiderate.rawValue : priority.rawValue)),
            ("apns-expiration", String(expiration.map { Int64($0.timeIntervalSince1970.rounded(.up)) } ?? 0)),
            ("apns-id", id.uuidString.lowercased()),
            ("content-type", "application/json"),
        ]
        if let collapseId { headers.append(("apns-collapse-id", collapseId)) }
        return OutgoingRequest(method: "POST", path: "/3/device/\(deviceToken)", headers: headers, body: payload)
    }
}
