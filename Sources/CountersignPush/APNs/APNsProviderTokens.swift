import CountersignCore
import Foundation
import JWTKit

/// The ES256 provider token (JWT) that authorises requests to APNs, kept and reused.
///
/// Apple refuses a token older than an hour (ExpiredProviderToken) and one replaced more often than
/// every 20 minutes (TooManyProviderTokenUpdates), so a token is refreshed once it is `refreshAge`
/// old (between 20 and 55 minutes), and a refresh forced by a refusal happens only when the current
/// token is at least 20 minutes old.
public actor APNsProviderTokens {
    public static let minimumAge: TimeInterval = 20 * 60
    public static let maximumRefreshAge: TimeInterval = 55 * 60

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var iat: IssuedAtClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    private let keys = JWTKeyCollection()
    private let keyId: String
    private let teamId: String
    private let clock: any WallClock
    private let refreshAge: TimeInterval
    private var current: (token: String, issuedAt: Date)?
    private var keyAdded = false
    private let privateKey: ES256PrivateKey

    /// `privateKeyPEM` is the .p8 key Apple issues; `keyId` and `teamId` name it.
    public init(
        privateKeyPEM: String, keyId: String, teamId: String, clock: any WallClock = SystemWallClock(),
        refreshAge: TimeInterval = 50 * 60
    ) throws {
        precondition(
            (Self.minimumAge...Self.maximumRefreshAge).contains(refreshAge), "refreshAge must be 20 to 55 minutes")
        self.privateKey = try ES256PrivateKey(pem: privateKeyPEM)
        self.keyId = keyId
        self.teamId = teamId
        self.clock = clock
        self.refreshAge = refreshAge
    }

    /// The token to send now: the cached one while it is younger than `refreshAge`.
    public func token() async throws -> String {
        let now = clock.now()
        if let current, now.timeIntervalSince(current.issuedAt) < refreshAge { return current.token }
        return try await issue(at: now)
    }

    /// After APNs refused the token: makes a new one if the 20-minute rule allows, and says whether it did.
    public func refreshAfterRefusal() async throws -> Bool {
        let now = clock.now()
        if let current, now.timeIntervalSince(current.issuedAt) < Self.minimumAge { return false }
        _ = try await issue(at: now)
        return true
    }

    /// When the cached token was made, for tests and diagnostics.
    public var issuedAt: Date? { current?.issuedAt }

    private func issue(at now: Date) async throws -> String {
        if !keyAdded {
            await keys.add(ecdsa: privateKey, kid: JWKIdentifier(string: keyId))
            keyAdded = true
        }
        // Whole seconds: APNs reads iat as an integer.
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let token = try await keys.sign(
            Claims(iss: IssuerClaim(value: teamId), iat: IssuedAtClaim(value: issuedAt)),
            kid: JWKIdentifier(string: keyId))
        current = (token, issuedAt)
        return token
    }
}
