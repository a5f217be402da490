import CountersignCore
import CountersignStore
import Foundation
import Hummingbird
import NIOCore

/// An error the API answers with: a status, a stable code and a sentence for people.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// When a refused request may be tried again; sent as Retry-After.
    public var retryAfter: Date?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The body every refusal carries: `{"error": {"code": …, "message": …}}`.
    func encodedBody() throws -> Data { try JSONEncoder().encode(ErrorBody(code: code, message: message)) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try encodedBody()
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter {
            // An HTTP-date rather than seconds, so the header is right whatever clock the server runs on.
            headers[.retryAfter] = retryAfter.formatted(
                Date.VerbatimFormatStyle(
                    format:
                        "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
                    locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt,
                    calendar: Calendar(identifier: .gregorian)))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_request", message) }
    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message) }
    static let bodyTooLarge = bodyTooLarge(limit: CountersignRequestContext.maxBodyBytes)

    static func bodyTooLarge(limit: Int) -> APIError {
        let size = limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes"
        return APIError(.contentTooLarge, code: "body_too_large", "the request body is larger than \(size)")
    }
    static let notActivated = APIError(.forbidden, code: "not_activated", ActivationMessages.notActivated)
}

extension APIError {
    /// Maps what the lower layers throw onto statuses and codes.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let error as Validation.Failure: return .invalid(error.message)
        case let error as StoreError: return from(error)
        case let error as AuthRefusal: return from(error)
        case let error as UseCaseError: return from(error)
        case let error as DecodingError: return .invalid(describe(error))
        case is NIOTooManyBytesError: return .bodyTooLarge
        case let error as HTTPError:
            // Hummingbird's own refusals (too large, bad method, …) get the same body shape.
            if error.status == .contentTooLarge { return .bodyTooLarge }
            return APIError(error.status, code: "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        default: return nil
        }
    }

    static func from(_ error: StoreError) -> APIError {
        let message = error.description + (OperatorHints.hint(for: error) ?? "")
        switch error {
        case .providerExists, .userExists, .alreadyActivated: return APIError(.conflict, code: "conflict", message)
        case .billingIsFixed: return APIError(.conflict, code: "billing_model_fixed", message)
        case .providerNotFound, .userNotFound, .deviceNotFound: return APIError(.notFound, code: "not_found", message)
        case .notActivated: return APIError(.conflict, code: "server_not_activated", message)
        case .userDisabled: return APIError(.forbidden, code: "user_disabled", message)
        case .unknownActivationCode: return APIError(.notFound, code: "activation_code_unknown", message)
        case .activationCodeUsed: return APIError(.gone, code: "activation_code_used", message)
        case .activationCodeExpired: return APIError(.gone, code: "activation_code_expired", message)
        case .activationCodeForOldActivation: return APIError(.gone, code: "activation_code_superseded", message)
        case .deviceNotActivated: return .notActivated
        case .replayedRequest: return APIError(.unauthorized, code: "replayed_request", message)
        case .clientExists, .radiusClientExists, .tokenExists, .tokenAssigned, .sameProvider:
            return APIError(.conflict, code: "conflict", message)
        case .adminTokenExists, .lastAdminToken: return APIError(.conflict, code: "conflict", message)
        case .signInEnded: return APIError(.conflict, code: "signin_ended", message)
        case .tokenStagedTwice: return APIError(.conflict, code: "conflict", message)
        case .clientNotFound, .radiusClientNotFound, .challengeNotFound, .tokenNotFound, .appPasswordNotFound,
            .adminTokenNotFound, .tokenImportNotFound:
            return APIError(.notFound, code: "not_found", message)
        case .activationChanged: return APIError(.serviceUnavailable, code: "activation_changed", message)
        case .databaseUnavailable: return APIError(.serviceUnavailable, code: "database_unavailable", message)
        case .masterKeyMismatch: return APIError(.internalServerError, code: "master_key_mismatch", message)
        }
    }

    static func from(_ error: UseCaseError) -> APIError {
        switch error {
        case .unauthenticated(let message): return .unauthorized(message)
        case .deliveryFailed(let message): return APIError(.badGateway, code: "telephony_unavailable", message)
        case .answerTooLate:
            return APIError(.gone, code: "challenge_expired", "the sign-in request timed out before it was answered")
        case .alreadyAnswered(let state):
            return APIError(
                .conflict, code: "challenge_answered", "the sign-in request was already answered (\(state.rawValue))")
        case .cannotPush(let id, let status, let platform):
            return APIError(
                .conflict, code: "cannot_push",
                "device \(id) cannot receive push (status \(status.rawValue), platform \(platform.rawValue))")
        case .noPushCredentials(let provider):
            return APIError(.notFound, code: "not_found", "provider '\(provider)' has no push credentials")
        }
    }

    static func from(_ refusal: AuthRefusal) -> APIError {
        let message = refusal.description + (OperatorHints.hint(for: refusal) ?? "")
        switch refusal {
        case .unknownUser: return APIError(.notFound, code: "unknown_user", message)
        case .userDisabled: return APIError(.forbidden, code: "user_disabled", message)
        case .notActivated: return APIError(.conflict, code: "server_not_activated", message)
        case .noActivatedDevice: return APIError(.conflict, code: "no_activated_device", message)
        case .noCodeGenerator: return APIError(.conflict, code: "no_code_generator", message)
        case .appPasswordsForbidden: return APIError(.forbidden, code: "app_passwords_forbidden", message)
        case .noAppPassword: return APIError(.conflict, code: "no_app_password", message)
        case .noPhoneNumber: return APIError(.conflict, code: "no_phone_number", message)
        case .noTelephonyGateway, .noSender: return APIError(.conflict, code: "telephony_not_configured", message)
        case .tooManySends(_, let retryAt):
            var error = APIError(.tooManyRequests, code: "too_many_sends", message)
            error.retryAfter = retryAt
            return error
        case .codeNotPending: return APIError(.conflict, code: "code_not_pending", message)
        case .codeExpired: return APIError(.gone, code: "code_expired", message)
        case .pushBlocked: return APIError(.forbidden, code: "push_blocked", message)
        case .tooManyPending: return APIError(.tooManyRequests, code: "too_many_pending", message)
        case .tooManyWithoutSuccess: return APIError(.tooManyRequests, code: "push_limit", message)
        case .locked: return APIError(.forbidden, code: "user_locked", message)
        case .slowedDown(let until):
            var error = APIError(.tooManyRequests, code: "too_many_attempts", message)
            error.retryAfter = until
            return error
        }
    }

    /// Says which field is wrong, in words, rather than echoing Foundation's debug text.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "the field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' is required"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
            .valueNotFound(_, let context) where context.codingPath.isEmpty:
            // The body itself is an array, a string, a number or null where an object belongs.
            return "the request body must be a JSON object"
        case .typeMismatch(let type, let context):
            return "the field '\(path(context.codingPath))' must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "the field '\(path(context.codingPath))' must be \(describe(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the request body is not valid JSON" }
            return "the field '\(path(context.codingPath))' has a value that is not allowed"
        @unknown default:
            return "the request body could not be read"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "of another type"
        }
    }
}
