/// How a phone app computes its offline codes; sent to the phone when it pairs.
public struct OATHParameters: Codable, Sendable, Equatable {
    /// The shared secret, Base32 without padding.
    public var secret: String
    public var algorithm: OATHAlgorithm
    public var digits: Int
    public var period: Int

    public init(secret: String, algorithm: OATHAlgorithm = .sha1, digits: Int = 6, period: Int = 30) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    public func makeTOTP() throws -> TOTP {
        let key = try Base32.decode(secret)
        return TOTP(hotp: try HOTP(secret: key, algorithm: algorithm, digits: digits), period: period)
    }
}
