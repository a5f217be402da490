import Foundation

/// What a push service's answer means for the dispatcher: the action, not the status code.
public enum PushOutcome: Sendable, Equatable {
    /// Accepted by the push service.
    case delivered
    /// The device's token is dead or belongs elsewhere: mark it invalid and stop sending to it.
    case tokenInvalid(reason: String)
    /// Try again later: at `after` seconds if the service said so (Retry-After), else by backoff.
    case retry(reason: String, after: TimeInterval?)
    /// Our credentials (APNs provider token, FCM access token) were refused: refresh them once and retry.
    case refreshCredentials(reason: String)
    /// The message itself is wrong (too large, bad header): sending it again cannot help.
    case failed(reason: String)

    /// A short label for metrics.
    public var metricLabel: String {
        switch self {
        case .delivered: "delivered"
        case .tokenInvalid: "token_invalid"
        case .retry: "retry"
        case .refreshCredentials: "credentials_refused"
        case .failed: "failed"
        }
    }
}

/// Reads a Retry-After header: delay seconds or an HTTP date (RFC 9110 §10.2.3).
public enum RetryAfter {
    public static func seconds(from value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
