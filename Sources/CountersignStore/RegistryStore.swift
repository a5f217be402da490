import CountersignCore
import Crypto
import Foundation

/// The device registry and everything it hangs on: providers, activations, users, activation codes
/// and admin tokens. SQLite implements it today; a shared PostgreSQL backend can implement it later.
///
/// Implementations encrypt OATH secrets and server private keys before they reach storage, keep only
/// hashes of activation codes and admin tokens, and make each method one transaction.
public protocol RegistryStore: PushOutboxStore, AuthStore, TokenStore, PhoneStore, ReportStore {
    // Providers
    func createProvider(_ request: CreateProviderRequest, now: Date) async throws -> ProviderView
    func providers() async throws -> [ProviderView]
    func provider(named name: String) async throws -> ProviderView
    /// Changes a provider's settings (app passwords, SMS number, caller ID) in one transaction.
    func updateProviderSettings(name: String, _ change: @Sendable (inout ProviderSettings) -> Void) async throws
        -> ProviderView

    /// Replaces a provider's push credentials (sealed at rest).
    func setPushSettings(_ settings: ProviderPushSettings, provider: String) async throws
    func pushSettings(provider: String) async throws -> ProviderPushSettings?

    // Activations
    /// Links an unactivated server to a provider with a new server key.
    func activate(providerName: String, serverKey: P256.Signing.PrivateKey, now: Date) async throws -> ActivationView
    func currentActivation() async throws -> ActivationView?
    /// Re-links the server with a new activation and server key, and in the same transaction
    /// invalidates every app paired under the old one (they are refused from this commit on; their
    /// rows are marked by `markSupersededDevices`), cancels their queued pushes and ends their
    /// pending push sign-ins as failed. Returns what changed and the ended sign-ins' ids.
    func reactivate(
        providerName: String, force: Bool, serverKey: P256.Signing.PrivateKey, origin: AuthLogOrigin, now: Date
    ) async throws -> (result: ReactivationResult, endedChallenges: [String])
    /// Writes the invalidation into the superseded apps among rowids (`cursor`, `cursor + span`];
    /// returns the next cursor, nil when past the last row.
    func markSupersededDevices(after cursor: Int64, span: Int64) async throws -> Int64?
    /// Users whose pairing a re-activation ended, and whether each has paired again.
    func repairStatus() async throws -> [RepairStatus]
    func phoneNumbers(users: [String]) async throws -> [String: String]
    /// What `method auto` means for the user now: push, or SMS when no app is paired under the current activation.
    func defaultMethod(user: String) async throws -> AuthMethod
    func serverSigningKey(activationId: String) async throws -> P256.Signing.PrivateKey

    // Users
    func createUser(_ request: CreateUserRequest, now: Date) async throws -> UserView
    func users() async throws -> [UserView]
    func user(named name: String) async throws -> UserView
    func setUserStatus(_ name: String, to status: UserStatus) async throws -> UserView
    func deleteUser(_ name: String) async throws
    /// Clears what the user registered (apps, app passwords, pending sign-ins and codes) so they
    /// register again; hardware tokens stay assigned.
    func resetUser(_ name: String, origin: AuthLogOrigin, now: Date) async throws -> UserResetResult
    func counts() async throws -> RegistryCounts

    // Pairing
    /// Stores the hash of a new activation code for an enabled user under the current activation.
    func createActivationCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws
    /// Spends an activation code and stores the device it pairs, atomically: either both happen or neither.
    func redeemActivationCode(codeHash: String, device: NewDevice, now: Date) async throws -> PairedDevice

    // Devices
    func devices(user: String?) async throws -> [DeviceView]
    func device(id: String) async throws -> DeviceView
    func deviceCredentials(id: String) async throws -> DeviceCredentials
    func deviceOATHSecret(id: String) async throws -> [UInt8]
    func removeDevice(id: String, now: Date) async throws -> DeviceView
    /// Replaces a device's push token on a signed request whose timestamp must be newer than the last.
    func updatePushToken(
        deviceId: String, token: String, environment: PushEnvironment?, requestTimestampMillis: Int64, now: Date
    ) async throws -> DeviceView

    // Admin tokens
    func createAdminToken(id: String, secretHash: String, name: String, now: Date) async throws
    func adminTokenSecretHash(id: String) async throws -> String?
    func hasAdminTokens() async throws -> Bool
}
