import CountersignCore
import Foundation

/// Sign-ins with a one-time code in the request: checked at once, no phone round trip.
struct CodeSignIn: Sendable {
    let environment: ServerEnvironment

    func verify(_ request: AuthRequest, client: String) async throws -> AuthTransaction {
        let user = try Validation.name(request.user, of: "user")
        let context = try PushSignIn.validated(request.context ?? AuthContext())
        guard let code = request.code, !code.isEmpty else {
            throw APIError.invalid("method \(request.method?.rawValue ?? "?") needs the one-time code in 'code'")
        }
        // A code of the wrong shape is refused before it can count as a wrong guess.
        guard [6, 8].contains(code.utf8.count), code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw APIError.invalid("the code must be 6 or 8 digits")
        }
        return try await environment.store.verifyOneTimeCode(
            user: user, code: code, context: context, relyingParty: client, policy: environment.settings.lockout,
            origin: environment.settings.logOrigin, now: environment.clock.now())
    }
}
