import Foundation

// Hardware OATH tokens on the admin API.

/// One token in an import: what a CSV row or PSKC KeyPackage said, with the secret in Base32.
public struct ImportedToken: Codable, Sendable {
    public var serial: String
    public var secret: String
    public var kind: TokenSeed.Kind
    public var algorithm: OATHAlgorithm
    public var digits: Int
    public var period: Int
    public var counter: UInt64

    public init(_ seed: TokenSeed) {
        self.serial = seed.serial
        self.secret = Base32.encode(seed.secret)
        self.kind = seed.kind
        self.algorithm = seed.algorithm
        self.digits = seed.digits
        self.period = seed.period
        self.counter = seed.counter
    }

    /// Decodes and checks the token as the server receives it.
    public func seed() throws(TokenSeedError) -> TokenSeed {
        guard let bytes = try? Base32.decode(secret) else { throw .badSecret(serial) }
        return try TokenSeed(
            serial: serial, secret: bytes, kind: kind, algorithm: algorithm, digits: digits, period: period,
            counter: counter
        ).validated()
    }
}

/// `POST /v1/tokens`: every token is stored, or none is.
public struct ImportTokensRequest: Codable, Sendable {
    public var tokens: [ImportedToken]
    public init(tokens: [ImportedToken]) { self.tokens = tokens }
}

public struct ImportTokensResult: Codable, Sendable, Equatable {
    public var imported: Int
    public init(imported: Int) { self.imported = imported }
}

/// An import in parts, opened by `POST /v1/token-imports`: send each part to its tokens route,
/// then commit it; nothing is stored before the commit.
public struct TokenImportSession: Codable, Sendable, Equatable {
    public var id: String
    /// Uncommitted by then, it is dropped.
    public var expiresAt: Date
    /// The most tokens one part may hold.
    public var maxTokensPerPart: Int

    public init(id: String, expiresAt: Date, maxTokensPerPart: Int) {
        self.id = id
        self.expiresAt = expiresAt
        self.maxTokensPerPart = maxTokensPerPart
    }
}

public struct StagedTokensResult: Codable, Sendable, Equatable {
    /// Tokens the import holds so far, over all its parts.
    public var staged: Int
    public init(staged: Int) { self.staged = staged }
}

public struct AssignTokenRequest: Codable, Sendable {
    public var user: String
    public init(user: String) { self.user = user }
}

public struct TokenView: Codable, Sendable, Equatable {
    public var serial: String
    public var kind: TokenSeed.Kind
    public var algorithm: OATHAlgorithm
    public var digits: Int
    public var period: Int
    /// The user the token is assigned to, if any.
    public var user: String?
    public var importedAt: Date
    public var lastUsedAt: Date?

    public init(
        serial: String, kind: TokenSeed.Kind, algorithm: OATHAlgorithm, digits: Int, period: Int, user: String?,
        importedAt: Date, lastUsedAt: Date?
    ) {
        self.serial = serial
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
        self.user = user
        self.importedAt = importedAt
        self.lastUsedAt = lastUsedAt
    }
}
