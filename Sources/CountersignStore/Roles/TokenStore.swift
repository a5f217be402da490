import CountersignCore
import Foundation

/// Hardware OATH tokens: imported in bulk, then assigned to users. Secrets are sealed at rest.
public protocol TokenStore: Sendable {
    /// Stores every token or none: a serial already stored refuses the whole import.
    func importTokens(_ seeds: [TokenSeed], now: Date) async throws -> Int
    /// One page of the tokens, or of those assigned to one user, in serial order.
    func tokens(user: String?, page: PageRequest) async throws -> Page<HardwareToken>
    func assignToken(serial: String, user: String) async throws -> HardwareToken
    func unassignToken(serial: String) async throws -> HardwareToken
    func deleteToken(serial: String) async throws
}
