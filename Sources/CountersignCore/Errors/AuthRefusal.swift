import Foundation

/// Why a sign-in was refused before any phone was asked. Each refusal is written to the auth log
/// with this description; what an operator can do about it is added by each front end
/// (`OperatorHints` in the HTTP API), not here.
public enum AuthRefusal: Error, Equatable, CustomStringConvertible {
    case unknownUser(String)
    case userDisabled(String)
    case notActivated
    case noActivatedDevice(String)
    case pushBlocked(until: Date)
    case tooManyPending(limit: Int)
    case tooManyWithoutSuccess(limit: Int, window: TimeInterval)
    /// Too many wrong codes: code methods are locked until then.
    case locked(until: Date)
    /// Too many wrong codes from this client and address for this user: its next code is not
    /// looked at before then (`CodeThrottle`). The user is not locked.
    case slowedDown(until: Date)
    /// Neither an authenticator app under the current activation nor a hardware token.
    case noCodeGenerator(String)
    /// The current provider does not allow app passwords.
    case appPasswordsForbidden
    case noAppPassword(String)
    case noPhoneNumber(String)
    case noTelephonyGateway(String)
    case noSender(method: AuthMethod, country: String)
    case tooManySends(limit: Int, retryAt: Date)
    /// The SMS code was already used, replaced or ended.
    case codeNotPending(state: AuthState)
    case codeExpired

    public var description: String {
        switch self {
        case .unknownUser(let name): "no user is named '\(name)'"
        case .userDisabled(let name): "user '\(name)' is disabled"
        case .notActivated: "this server is not activated"
        case .noActivatedDevice(let name):
            "user '\(name)' has no mobile app paired under the current activation; the app must be paired (again) before push can be used"
        case .pushBlocked(let until):
            "push is blocked for this user until \(until.formatted(.iso8601)) because a sign-in was reported as fraud"
        case .tooManyPending(let limit):
            "the user already has \(limit) push requests waiting for an answer; wait for them to be answered or to time out"
        case .tooManyWithoutSuccess(let limit, let window):
            "the user was sent \(limit) push requests in the last \(Int(window / 60)) minutes without approving one; try again later"
        case .noCodeGenerator(let name):
            "user '\(name)' has no authenticator app paired under the current activation and no hardware token"
        case .appPasswordsForbidden:
            "app passwords are not allowed by this server's provider"
        case .noAppPassword(let name): "user '\(name)' has no app password"
        case .noPhoneNumber(let name): "user '\(name)' has no phone number for SMS or voice"
        case .noTelephonyGateway(let provider):
            "provider '\(provider)' has no telephony gateway"
        case .noSender(let method, let country):
            method == .sms
                ? "no SMS sender for a phone in \(country): the provider needs a long number"
                : "the provider has no voice caller ID"
        case .tooManySends(let limit, let retryAt):
            "the user was sent \(limit) codes or calls in the last few minutes; try again after \(retryAt.formatted(.iso8601))"
        case .codeNotPending(let state):
            state == .approved
                ? "this SMS code was already used; ask for a new one"
                : "this SMS code is no longer valid (\(state.rawValue)); ask for a new one"
        case .codeExpired: "the SMS code has expired; ask for a new one"
        case .locked(let until):
            "too many wrong codes: the user's code methods are locked until \(until.formatted(.iso8601))"
        case .slowedDown(let until):
            "too many wrong codes for this user from this client and address: the next one is looked at after \(until.formatted(.iso8601))"
        }
    }
}
