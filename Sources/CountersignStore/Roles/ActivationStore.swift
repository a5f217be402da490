import CountersignCore
import Crypto
import Foundation

/// The server's link to a provider: activation, re-activation and what follows it.
public protocol ActivationStore: Sendable {
    /// Links an unactivated server to a provider with a new server key.
    func activate(providerName: String, serverKey: P256.Signing.PrivateKey, now: Date) async throws -> Activation
    func currentActivation() async throws -> Activation?
    func serverSigningKey(activationId: String) async throws -> P256.Signing.PrivateKey
    /// Re-links the server with a new activation and server key, and in the same transaction
    /// invalidates every app paired under the old one (they are refused from this commit on; their
    /// rows are marked by `markSupersededDevices`), cancels their queued pushes and ends their
    /// pending push sign-ins as failed. Returns what changed and the ended sign-ins' ids.
    func reactivate(
        providerName: String, force: Bool, serverKey: P256.Signing.PrivateKey, origin: AuthLogOrigin, now: Date
    ) async throws -> (result: ReactivationSummary, endedChallenges: [String])
    /// Writes the invalidation into one batch of the superseded apps' rows, from `cursor` on;
    /// returns where the next batch starts, nil when the sweep is done.
    func markSupersededDevices(after cursor: SweepCursor) async throws -> SweepCursor?
    /// Users whose pairing a re-activation ended, and whether each has paired again.
    func repairStatus() async throws -> [RepairProgress]
    func phoneNumbers(users: [String]) async throws -> [String: String]
    /// A re-pair campaign's activation code: like any other, and revoked by the campaign's next run.
    func createCampaignCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws
    /// Deletes the unused codes earlier campaign runs issued; returns how many.
    func revokeCampaignCodes() async throws -> Int
}
