import CountersignCore
import Foundation

/// Sign-ins with a one-time code or app password in the request: checked at once, no phone round trip.
struct CodeSignIn: Sendable {
    let environment: ServerEnvironment

    func verify(_ request: SignInRequest, client: String) async throws -> AuthTransaction {
        let user = request.user
        let context = request.context
        let method = request.method
        guard let code = request.code, !code.isEmpty else {
            throw Validation.Failure(
                "method \(method.rawValue) needs the \(method == .appPassword ? "app password" : "one-time code") in 'code'"
            )
        }
        let settings = environment.settings
        let now = environment.clock.now()
        if method == .appPassword {
            guard AppPassword.isWellFormed(code) else {
                throw Validation.Failure(
                    "an app password is 16 letters and digits, as 'countersign app-password create' printed it")
            }
            // The slow hash comparisons run before the write transaction, so they never hold it, and
            // off the cooperative threads, so they never hold up other requests.
            let stored = try await environment.store.appPasswordHashes(user: user)
            let matchedId = try await SlowHashing.run {
                stored.first { AppPassword.matches(code, stored: $0.hash) }?.id
            }
            return try await environment.store.verifyAppPassword(
                user: user, matchedId: matchedId, context: context, relyingParty: client, policy: settings.lockout,
                origin: settings.logOrigin, now: now)
        }
        // A code of the wrong shape is refused before it can count as a wrong guess.
        guard [6, 8].contains(code.utf8.count), code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw Validation.Failure("the code must be 6 or 8 digits")
        }
        return try await environment.store.verifyOneTimeCode(
            user: user, code: code, context: context, relyingParty: client, policy: settings.lockout,
            origin: settings.logOrigin, now: now)
    }
}
