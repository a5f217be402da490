import Foundation

/// Reads an FCM v1 answer into what the dispatcher must do.
///
/// FCM's error body is `{"error": {"code": 400, "status": "INVALID_ARGUMENT", "details":
/// [{"@type": "…FcmError", "errorCode": "UNREGISTERED"}]}}`; the FCM-specific `errorCode` says more
/// than the generic `status`, so it wins when present.
public enum FCMAnswer {
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var errorCode: String?
        }
        struct Inner: Decodable {
            var status: String?
            var details: [Detail]?
        }
        var error: Inner
    }

    public static func errorCode(in body: Data) -> String? {
        guard let parsed = try? JSONDecoder().decode(ErrorBody.self, from: body) else { return nil }
        return parsed.error.details?.compactMap(\.errorCode).first ?? parsed.error.status
    }

    public static func outcome(status: Int, body: Data, retryAfter: String?, now: Date) -> PushOutcome {
        if status == 200 { return .delivered }
        let code = errorCode(in: body) ?? "HTTP \(status)"
        switch (status, code) {
        case (_, "UNREGISTERED"), (_, "SENDER_ID_MISMATCH"):
            return .tokenInvalid(reason: code)
        case (401, _), (_, "THIRD_PARTY_AUTH_ERROR"), (_, "UNAUTHENTICATED"):
            return .refreshCredentials(reason: code)
        case (429, _), (500...599, _), (_, "QUOTA_EXCEEDED"), (_, "UNAVAILABLE"), (_, "INTERNAL"):
            return .retry(reason: code, after: RetryAfter.seconds(from: retryAfter, now: now))
        default:
            return .failed(reason: code)
        }
    }
}
