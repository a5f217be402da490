import Crypto
import Foundation
import JWTKit
import Testing

@testable import CountersignPush

@Suite("APNs requests and answers")
struct APNsTests {
    let token = String(repeating: "ab", count: 32)
    let id = UUID(uuidString: "5D2A4F2E-1111-4A5B-9C3D-2E8F00000001")!

    func notification(payload: Data = Data(#"{"aps":{"content-available":1}}"#.utf8)) -> APNsNotification {
        APNsNotification(
            deviceToken: token, topic: "com.example.countersign",
            expiration: Date(timeIntervalSince1970: 1_800_000_060),
            id: id, collapseId: "tx-1", payload: payload)
    }

    @Test("the request carries every header APNs expects")
    func headers() throws {
        let request = try notification().request(providerToken: "jwt")
        #expect(request.method == "POST")
        #expect(request.path == "/3/device/\(token)")
        #expect(request.header("authorization") == "bearer jwt")
        #expect(request.header("apns-topic") == "com.example.countersign")
        #expect(request.header("apns-push-type") == "alert")
        #expect(request.header("apns-priority") == "10")
        #expect(request.header("apns-expiration") == "1800000060")
        #expect(request.header("apns-id") == "5d2a4f2e-1111-4a5b-9c3d-2e8f00000001")
        #expect(request.header("apns-collapse-id") == "tx-1")
    }

    @Test("background pushes go at priority 5; no expiration means 0")
    func background() throws {
        var push = notification()
        push.pushType = .background
        push.expiration = nil
        let request = try push.request(providerToken: "jwt")
        #expect(request.header("apns-priority") == "5")
        #expect(request.header("apns-expiration") == "0")
    }

    @Test("oversized payloads, bad tokens and long collapse ids are refused before sending")
    func refusals() {
        #expect(throws: PushRequestError.self) {
            try notification(payload: Data(repeating: 0x20, count: 4097)).request(providerToken: "jwt")
        }
        #expect(throws: Never.self) {
            try notification(payload: Data(repeating: 0x20, count: 4096)).request(providerToken: "jwt")
        }
        var badToken = notification()
        badToken.deviceToken = "not-hex"
        #expect(throws: PushRequestError.self) { try badToken.request(providerToken: "jwt") }
        var longCollapse = notification()
        longCollapse.collapseId = String(repeating: "c", count: 65)
        #expect(throws: PushRequestError.self) { try longCollapse.request(providerToken: "jwt") }
    }

    static let answers: [(Int, String?, String?, PushOutcome)] = [
        (200, nil, nil, .delivered),
        (410, "Unregistered", nil, .tokenInvalid(reason: "Unregistered")),
        (410, "ExpiredToken", nil, .tokenInvalid(reason: "ExpiredToken")),
        (400, "BadDeviceToken", nil, .tokenInvalid(reason: "BadDeviceToken")),
        (400, "DeviceTokenNotForTopic", nil, .tokenInvalid(reason: "DeviceTokenNotForTopic")),
        (403, "ExpiredProviderToken", nil, .refreshCredentials(reason: "ExpiredProviderToken")),
        (403, "InvalidProviderToken", nil, .refreshCredentials(reason: "InvalidProviderToken")),
        (429, "TooManyRequests", "7", .retry(reason: "TooManyRequests", after: 7)),
        (500, "InternalServerError", nil, .retry(reason: "InternalServerError", after: nil)),
        (503, "ServiceUnavailable", "Wed, 15 Jan 2027 08:00:10 GMT", .retry(reason: "ServiceUnavailable", after: 10)),
        (413, "PayloadTooLarge", nil, .failed(reason: "PayloadTooLarge")),
        (400, "BadTopic", nil, .failed(reason: "BadTopic")),
        (403, "TopicDisallowed", nil, .failed(reason: "TopicDisallowed")),
    ]

    @Test("each answer leads to its action", arguments: answers)
    func outcomes(status: Int, reason: String?, retryAfter: String?, expected: PushOutcome) {
        let body = reason.map { Data(#"{"reason":"\#($0)"}"#.utf8) } ?? Data()
        let now = ISO8601DateFormatter().date(from: "2027-01-15T08:00:00Z")!
        #expect(APNsAnswer.outcome(status: status, body: body, retryAfter: retryAfter, now: now) == expected)
    }
}

@Suite("APNs provider tokens")
struct APNsProviderTokenTests {
    let key = P256.Signing.PrivateKey()

    func makeTokens(_ clock: TestClock) throws -> APNsProviderTokens {
        try APNsProviderTokens(
            privateKeyPEM: key.pemRepresentation, keyId: "KEY1234567", teamId: "TEAM123456", clock: clock)
    }

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var iat: IssuedAtClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    @Test("the token is an ES256 JWT with kid, iss and iat, signed by the key")
    func tokenContents() async throws {
        let clock = TestClock()
        let jwt = try await makeTokens(clock).token()
        let verifier = JWTKeyCollection()
        await verifier.add(ecdsa: try ES256PublicKey(pem: key.publicKey.pemRepresentation), kid: "KEY1234567")
        let claims = try await verifier.verify(jwt, as: Claims.self)
        #expect(claims.iss.value == "TEAM123456")
        #expect(claims.iat.value == clock.now())
        let header = try #require(jwt.split(separator: ".").first.flatMap { Data(base64Encoded: String($0) + "==") })
        let headerText = String(decoding: header, as: UTF8.self)
        #expect(headerText.contains("\"kid\":\"KEY1234567\"") && headerText.contains("\"alg\":\"ES256\""))
    }

    @Test("the token is reused until 50 minutes old, then replaced")
    func reuse() async throws {
        let clock = TestClock()
        let tokens = try makeTokens(clock)
        let first = try await tokens.token()
        clock.advance(minutes: 49)
        #expect(try await tokens.token() == first)
        clock.advance(minutes: 2)
        #expect(try await tokens.token() != first)
    }

    @Test("a refusal refreshes the token only when it is at least 20 minutes old")
    func twentyMinuteRule() async throws {
        let clock = TestClock()
        let tokens = try makeTokens(clock)
        let first = try await tokens.token()
        clock.advance(minutes: 19)
        #expect(try await tokens.refreshAfterRefusal() == false)
        #expect(try await tokens.token() == first)
        clock.advance(minutes: 1)
        #expect(try await tokens.refreshAfterRefusal())
        #expect(try await tokens.token() != first)
        #expect(try await tokens.refreshAfterRefusal() == false)
    }
}
