import CountersignCore
import Foundation

/// The RADIUS front end's own data: the clients (NAS) allowed to ask, their secrets sealed at rest,
/// and the rounds of challenge dialogues, kept under a hash of the State sent, taken once.
public protocol RadiusStore: Sendable {
    /// Names are unique, case-insensitively.
    func addRadiusClient(_ client: RadiusClient) async throws -> RadiusClient
    /// Every client, by name, secrets opened: the listener matches packets against these.
    func radiusClients() async throws -> [RadiusClient]
    /// Changes a client's settings, or its secret when `secret` is given.
    func updateRadiusClient(name: String, settings: RadiusClientSettings, secret: [UInt8]?) async throws
        -> RadiusClient
    func deleteRadiusClient(name: String) async throws
    /// Keeps a round under `stateHash` until it is taken or expires; expired rounds are removed.
    func saveRadiusRound(_ round: RadiusRound, stateHash: String, now: Date) async throws
    /// The round saved under `stateHash` for `client`, removed as it is read: a State works once.
    /// Nil when there is none, it expired, or it belongs to another client.
    func takeRadiusRound(stateHash: String, client: String, now: Date) async throws -> RadiusRound?
}
