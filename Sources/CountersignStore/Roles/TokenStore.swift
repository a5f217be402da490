import CountersignCore
import Foundation

/// Hardware OATH tokens: imported in bulk, then assigned to users. Secrets are sealed at rest.
public protocol TokenStore: Sendable {
    /// Stores every token or none: a serial already stored refuses the whole import.
    func importTokens(_ seeds: [TokenSeed], now: Date) async throws -> Int
    /// All tokens, or those assigned to one user.
    func tokens(user: String?) async throws -> [HardwareToken]
    func assignToken(serial: String, user: String) async throws -> HardwareToken
    func unassignToken(serial: String) async throws -> HardwareToken
    func deleteToken(serial: String) async throws
}
