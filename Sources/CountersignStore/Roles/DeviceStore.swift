import CountersignCore
import Foundation

/// The device registry and pairing: activation codes, paired apps, the keys phones sign with.
public protocol DeviceStore: Sendable {
    /// Stores the hash of a new activation code for an enabled user under the current activation.
    func createActivationCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws
    /// Spends an activation code and stores the device it pairs, atomically: either both happen or neither.
    func redeemActivationCode(codeHash: String, device: NewDevice, now: Date) async throws -> PairedDevice
    /// One page of the paired apps, or of one user's, in the order they were paired. The page key
    /// is the device's place in that order (a whole number), not its id.
    func devices(user: String?, page: PageRequest) async throws -> Page<Device>
    func device(id: String) async throws -> Device
    func deviceCredentials(id: String) async throws -> DeviceCredentials
    func deviceOATHSecret(id: String) async throws -> [UInt8]
    func removeDevice(id: String, now: Date) async throws -> Device
    /// Replaces a device's push token on a signed request whose timestamp must be newer than the last.
    func updatePushToken(
        deviceId: String, token: String, environment: PushEnvironment?, requestTimestampMillis: Int64, now: Date
    ) async throws -> Device
}
