import CountersignCore
import Foundation

/// The users an administrator manages.
public protocol UserStore: Sendable {
    func createUser(_ user: NewUser, now: Date) async throws -> User
    /// One page of the users, in name order.
    func users(page: PageRequest) async throws -> Page<User>
    func user(named name: String) async throws -> User
    func setUserStatus(_ name: String, to status: UserStatus) async throws -> User
    func deleteUser(_ name: String) async throws
    /// Clears what the user registered (apps, app passwords, pending sign-ins and codes) so they
    /// register again; hardware tokens stay assigned.
    func resetUser(_ name: String, origin: AuthLogOrigin, now: Date) async throws -> UserResetSummary
    /// Clears the wrong-code count and any code lock, and lifts a fraud report's push block.
    func unlockUser(_ name: String) async throws -> User
    /// A licensed user is left out of per-user billing.
    func setLicense(user: String, licensed: Bool) async throws -> User
    func counts() async throws -> RegistryCounts
}
