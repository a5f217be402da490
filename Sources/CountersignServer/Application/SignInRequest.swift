import CountersignCore
import Foundation

/// A relying party's request for a second factor, in domain terms and checked: whatever front end
/// it came through (the JSON API, RADIUS, later a portal), a sign-in starts from one of these.
public struct SignInRequest: Sendable, Equatable {
    public var user: String
    /// `auto` is resolved to the user's default method when the sign-in starts.
    public var method: AuthMethod
    public var context: AuthContext
    /// How long the user has to answer, in seconds; nil for the server's default. Only the methods
    /// that wait for the user (push, voice) read it, so only they check it.
    public var timeoutSeconds: Int?
    /// The one-time code or app password, for the methods that take one.
    public var code: String?
    /// Whether a push asks the phone to type the number the sign-in screen shows. Only a front end
    /// that cannot show one (RADIUS in push mode) turns it off.
    public var asksForNumber = true
    /// Checks what the person or application typed: the user's name and the context the phone will
    /// show. Throws `Validation.Failure` saying what is wrong.
    public init(user: String, method: AuthMethod?, context: AuthContext?, timeoutSeconds: Int?, code: String?) throws {
        self.user = try Validation.name(user, of: "user")
        self.method = method ?? .auto
        self.context = try Self.validated(context ?? AuthContext())
        self.timeoutSeconds = timeoutSeconds
        self.code = code
    }

    /// How long the user has to answer: the request's timeout, checked, or the server's default.
    func timeout(_ settings: ServerSettings) throws -> TimeInterval {
        guard let seconds = timeoutSeconds else { return settings.challengeTimeout }
        guard seconds >= 5, TimeInterval(seconds) <= ServerSettings.maxChallengeTimeout else {
            throw Validation.Failure("timeoutSeconds must be between 5 and \(Int(ServerSettings.maxChallengeTimeout))")
        }
        return TimeInterval(seconds)
    }

    /// What the phone will show is text from the application: bounded and free of control characters.
    static func validated(_ context: AuthContext) throws -> AuthContext {
        func optional(_ value: String?, _ field: String) throws -> String? {
            guard let value, !value.isEmpty else { return nil }
            return try Validation.displayText(value, field: field)
        }
        var clientIP: String?
        if let text = context.clientIP, !text.isEmpty {
            clientIP = try Validation.ipAddress(text, field: "context.clientIP")
        }
        return AuthContext(
            application: try optional(context.application, "context.application"), clientIP: clientIP,
            location: try optional(context.location, "context.location"))
    }
}
