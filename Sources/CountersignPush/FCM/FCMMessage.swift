import Foundation

/// One message for `POST /v1/projects/{project}/messages:send`.
///
/// Countersign sends data messages: the app wakes, fetches the challenge over the signed device API
/// and shows it itself, so no personal data rides in the notification.
public struct FCMMessage: Sendable, Equatable {
    public static let maximumDataBytes = 4096

    public var token: String
    /// String values only, as FCM requires.
    public var data: [String: String]
    /// Seconds FCM keeps trying; it becomes android.ttl and, for iOS devices, apns-expiration.
    public var timeToLive: Int
    /// The outbox id, carried as the message key so the phone can drop a duplicate delivery.
    public var messageKey: String

    public init(token: String, data: [String: String], timeToLive: Int, messageKey: String) {
        self.token = token
        self.data = data
        self.timeToLive = timeToLive
        self.messageKey = messageKey
    }

    struct Body: Encodable {
        struct Message: Encodable {
            struct Android: Encodable {
                var priority = "HIGH"
                var ttl: String
            }
            struct APNs: Encodable {
                var headers: [String: String]
                var payload: [String: [String: Int]]
            }
            var token: String
            var data: [String: String]
            var android: Android
            var apns: APNs
        }
        var message: Message
    }

    public func request(projectId: String, accessToken: String, now: Date) throws(PushRequestError) -> OutgoingRequest {
        guard !token.isEmpty, token.utf8.count <= 4096 else {
            throw PushRequestError("the FCM registration token is empty or too long")
        }
        guard timeToLive >= 0 else { throw PushRequestError("a time to live cannot be negative") }
        var fields = data
        fields["messageKey"] = messageKey
        let dataBytes = fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard dataBytes <= Self.maximumDataBytes else {
            throw PushRequestError("the FCM data is \(dataBytes) bytes; the limit is \(Self.maximumDataBytes)")
        }
        let body = Body(
            message: .init(
                token: token, data: fields, android: .init(ttl: "\(timeToLive)s"),
                apns: .init(
                    headers: [
                        "apns-priority": "10",
                        "apns-expiration": String(Int64(now.timeIntervalSince1970) + Int64(timeToLive)),
                    ],
                    payload: ["aps": ["content-available": 1]])))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded: Data
        do { encoded = try encoder.encode(body) } catch {
            throw PushRequestError("cannot encode the FCM message: \(error)")
        }
        let project = projectId.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])) ?? projectId
        return OutgoingRequest(
            method: "POST", path: "/v1/projects/\(project)/messages:send",
            headers: [("authorization", "Bearer \(accessToken)"), ("content-type", "application/json; charset=utf-8")],
            body: encoded)
    }
}
