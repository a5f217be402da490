import Foundation

/// The first question of every sign-in, whatever its method: is there such a user, and may they sign in?
public enum SignInEligibility {
    /// Why the named user cannot sign in at all, or nil when they may go on to the method's own rules.
    public static func refusal(requestedName: String, user: (name: String, status: UserStatus)?) -> AuthRefusal? {
        guard let user else { return .unknownUser(requestedName) }
        guard user.status == .enabled else { return .userDisabled(user.name) }
        return nil
    }
}
