/// Why a token file was refused. Every case says where: the CSV row or the PSKC element.
public struct TokenImportError: Error, Equatable, CustomStringConvertible {
    /// "row 3", "KeyPackage 2 (serial 987654321)", "MACMethod".
    public var location: String
    public var problem: String

    public init(_ location: String, _ problem: String) {
        self.location = location
        self.problem = problem
    }

    public var description: String { "\(location): \(problem); nothing was imported" }
}

/// Limits on what an import file may hold, so that a hostile file cannot exhaust memory.
public enum TokenImportLimits {
    /// 1 GiB: a PSKC file of 1,000,000 encrypted tokens is about 700 MiB.
    public static let maximumFileBytes = 1024 * 1024 * 1024
    public static let maximumTokens = 1_000_000
    /// How long an import in parts may stay open before it is dropped.
    public static let openImportMinutes = 60
}
