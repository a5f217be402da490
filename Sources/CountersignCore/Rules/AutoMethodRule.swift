import Foundation

/// What `method auto` means for a user now: push while an app is paired under the current
/// activation and push is not blocked by a fraud report; otherwise SMS when the user has a phone
/// number (after a re-activation, say, or while push is blocked); otherwise push, whose refusal
/// then says why.
public enum AutoMethodRule {
    public static func method(pairedApps: Bool, pushBlockedUntil: Date?, hasPhone: Bool, now: Date) -> AuthMethod {
        let pushBlocked = pushBlockedUntil.map { $0 > now } ?? false
        guard hasPhone else { return .push }
        return pairedApps && !pushBlocked ? .push : .sms
    }
}
