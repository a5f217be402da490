import CountersignCore
import Foundation

/// One-time codes and app passwords, checked once with the lockout.
public protocol CodeSignInStore: Sendable {
    /// Checks a TOTP/HOTP code for the user against every authenticator app paired under the current
    /// activation and every hardware token assigned to the user, accepting each code once, and counts
    /// wrong codes towards a lockout. A wrong code gives a denied transaction; a refusal (unknown user,
    /// locked, nothing that makes codes) is thrown as `AuthRefusal`. Either way the auth-log row is
    /// written in the same transaction.
    func verifyOneTimeCode(
        user: String, code: String, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction
    /// Checks an app password whose PBKDF2 comparison the caller made outside the transaction:
    /// `matchedId` is the stored password it matched, if any. Refuses where the current provider
    /// forbids app passwords; a miss counts towards the lock like a wrong code.
    func verifyAppPassword(
        user: String, matchedId: String?, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction
    /// The stored hashes of the user's app passwords, to compare outside any transaction.
    func appPasswordHashes(user: String) async throws -> [(id: String, hash: String)]
    func createAppPassword(user: String, name: String?, passwordHash: String, now: Date) async throws
        -> AppPasswordEntry
    func appPasswords(user: String) async throws -> [AppPasswordEntry]
    /// Deletes all of the user's app passwords (a lost phone or laptop); returns how many.
    func deleteAppPasswords(user: String) async throws -> Int
    /// Deletes one of the user's app passwords (one retired laptop), by its id.
    func deleteAppPassword(user: String, id: String) async throws
}
