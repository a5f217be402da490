import CountersignCore
import Foundation
import JWTKit

/// OAuth2 access tokens for the FCM HTTP v1 API, from a service-account key (RFC 7523 JWT grant).
///
/// The service signs a short RS256 assertion, trades it at the token URI for an access token, and
/// reuses that token until shortly before it expires.
public actor FCMAccessTokens {
    public static let scope = "https://www.googleapis.com/auth/firebase.messaging"
    public static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// Refresh this long before expiry, so a token never expires in flight.
    public static let refreshMargin: TimeInterval = 300

    /// Sends the form-encoded grant to the token URI and returns the answer's body.
    public typealias Exchange =
        @Sendable (_ tokenURI: String, _ formBody: Data) async throws -> (status: Int, body: Data)

    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var scope: String
        var aud: AudienceClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    struct TokenAnswer: Decodable {
        var accessToken: String
        var expiresIn: Int
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    private let account: FCMServiceAccount
    private let clock: any WallClock
    private let exchange: Exchange
    private let keys = JWTKeyCollection()
    private let privateKey: Insecure.RSA.PrivateKey
    private var keyAdded = false
    private var current: (token: String, expiresAt: Date)?

    public init(account: FCMServiceAccount, clock: any WallClock = SystemWallClock(), exchange: @escaping Exchange)
        throws
    {
        self.privateKey = try Insecure.RSA.PrivateKey(pem: account.privateKey)
        self.account = account
        self.clock = clock
        self.exchange = exchange
    }

    public func token() async throws -> String {
        if let current, clock.now().addingTimeInterval(Self.refreshMargin) < current.expiresAt { return current.token }
        return try await refresh()
    }

    /// Drops the cached token (after FCM refused it) and obtains a new one.
    public func refresh() async throws -> String {
        let now = clock.now()
        let assertion = try await makeAssertion(at: now)
        var form = URLComponents()
        form.queryItems = [
            URLQueryItem(name: "grant_type", value: Self.grantType), URLQueryItem(name: "assertion", value: assertion),
        ]
        let (status, body) = try await exchange(account.tokenURI, Data((form.percentEncodedQuery ?? "").utf8))
        guard status == 200, let answer = try? JSONDecoder().decode(TokenAnswer.self, from: body), answer.expiresIn > 0
        else {
            throw PushRequestError(
                "the FCM token endpoint answered \(status): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        current = (answer.accessToken, now.addingTimeInterval(TimeInterval(answer.expiresIn)))
        return answer.accessToken
    }

    func makeAssertion(at now: Date) async throws -> String {
        if !keyAdded {
            await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: account.privateKeyId))
            keyAdded = true
        }
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return try await keys.sign(
            Assertion(
                iss: IssuerClaim(value: account.clientEmail), scope: Self.scope,
                aud: AudienceClaim(value: account.tokenURI),
                iat: IssuedAtClaim(value: issuedAt), exp: ExpirationClaim(value: issuedAt.addingTimeInterval(3600))),
            kid: JWKIdentifier(string: account.privateKeyId))
    }
}
