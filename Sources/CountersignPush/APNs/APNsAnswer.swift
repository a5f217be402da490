import Foundation

/// Reads an APNs answer into what the dispatcher must do.
public enum APNsAnswer {
    /// The JSON body APNs sends with an error: `{"reason": "...", "timestamp": ms}` (timestamp on 410).
    struct ErrorBody: Decodable {
        var reason: String
        var timestamp: Int64?
    }

    public static func reason(in body: Data) -> String? {
        try? JSONDecoder().decode(ErrorBody.self, from: body).reason
    }

    public static func outcome(status: Int, body: Data, retryAfter: String?, now: Date) -> PushOutcome {
        let reason = reason(in: body) ?? "HTTP \(status)"
        switch (status, reason) {
        case (200, _):
            return .delivered
        case (410, _), (400, "BadDeviceToken"), (400, "DeviceTokenNotForTopic"):
            // 410 is Unregistered or ExpiredToken: the app is gone from that phone.
            return .tokenInvalid(reason: reason)
        case (403, "ExpiredProviderToken"), (403, "InvalidProviderToken"), (403, "MissingProviderToken"):
            return .refreshCredentials(reason: reason)
        case (429, _), (500...599, _):
            return .retry(reason: reason, after: RetryAfter.seconds(from: retryAfter, now: now))
        default:
            // 413 PayloadTooLarge and the other 400s and 403s describe the message or the account,
            // which sending again cannot change.
            return .failed(reason: reason)
        }
    }
}
