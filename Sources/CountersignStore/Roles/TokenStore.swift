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

    // An import too large for one request goes in parts, and is still all or nothing: the parts
    // wait apart from the tokens until the commit moves every one of them in one transaction.

    /// Opens an import in parts; imports left open past `expiresAt` are dropped by later ones.
    func beginTokenImport(id: String, now: Date, expiresAt: Date) async throws
    /// Adds one part; a serial sent before in this import is refused. Returns the tokens held so far.
    func stageTokens(_ seeds: [TokenSeed], importId: String, now: Date) async throws -> Int
    /// Stores every token of the import, or none (a serial already stored refuses the whole
    /// import), and closes it. Returns how many were stored.
    func commitTokenImport(id: String, now: Date) async throws -> Int
    /// Drops an open import and its parts.
    func abandonTokenImport(id: String) async throws
}
