import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Synchronization
import Testing

@testable import CountersignPush

@Suite("FCM requests, answers and access tokens")
struct FCMTests {
    @Test("the send request names the project, the token, HIGH priority, a ttl and an apns block")
    func request() throws {
        let message = FCMMessage(token: "fcm-token", data: ["tx": "1"], timeToLive: 60, messageKey: "outbox-1")
        let request = try message.request(
            projectId: "acme-mfa", accessToken: "ya29", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(request.path == "/v1/projects/acme-mfa/messages:send")
        #expect(request.header("authorization") == "Bearer ya29")
        let json = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        let body = try #require(json["message"] as? [String: Any])
        #expect(body["token"] as? String == "fcm-token")
        #expect((body["data"] as? [String: String]) == ["tx": "1", "messageKey": "outbox-1"])
        #expect((body["android"] as? [String: String]) == ["priority": "HIGH", "ttl": "60s"])
        let apns = try #require(body["apns"] as? [String: Any])
        #expect((apns["headers"] as? [String: String])?["apns-expiration"] == "1800000060")
    }

    @Test("data over 4096 bytes is refused")
    func oversized() {
        let message = FCMMessage(
            token: "t", data: ["blob": String(repeating: "x", count: 4096)], timeToLive: 60, messageKey: "k")
        #expect(throws: PushRequestError.self) { try message.request(projectId: "p", accessToken: "a", now: Date()) }
    }

    static func errorBody(status: String, errorCode: String?) -> Data {
        let details =
            errorCode.map {
                #", "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "\#($0)"}]"#
            } ?? ""
        return Data(#"{"error": {"code": 400, "message": "m", "status": "\#(status)"\#(details)}}"#.utf8)
    }

    static let answers: [(Int, String, String?, String?, PushOutcome)] = [
        (404, "NOT_FOUND", "UNREGISTERED", nil, .tokenInvalid(reason: "UNREGISTERED")),
        (403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", nil, .tokenInvalid(reason: "SENDER_ID_MISMATCH")),
        (401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", nil, .refreshCredentials(reason: "THIRD_PARTY_AUTH_ERROR")),
        (429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "30", .retry(reason: "QUOTA_EXCEEDED", after: 30)),
        (503, "UNAVAILABLE", "UNAVAILABLE", nil, .retry(reason: "UNAVAILABLE", after: nil)),
        (500, "INTERNAL", nil, nil, .retry(reason: "INTERNAL", after: nil)),
        (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", nil, .failed(reason: "INVALID_ARGUMENT")),
    ]

    @Test("each answer leads to its action", arguments: answers)
    func outcomes(status: Int, statusText: String, errorCode: String?, retryAfter: String?, expected: PushOutcome) {
        let body = Self.errorBody(status: statusText, errorCode: errorCode)
        #expect(FCMAnswer.outcome(status: status, body: body, retryAfter: retryAfter, now: Date()) == expected)
        #expect(
            FCMAnswer.outcome(status: 200, body: Data(#"{"name":"x"}"#.utf8), retryAfter: nil, now: Date())
                == .delivered)
    }

    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var scope: String
        var aud: AudienceClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    @Test("the access token comes from a signed RS256 grant and is reused until near expiry")
    func accessTokens() async throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let account = FCMServiceAccount(
            projectId: "acme-mfa", privateKeyId: "kid-1", privateKey: rsa.pemRepresentation,
            clientEmail: "push@acme-mfa.iam.example", tokenURI: "https://127.0.0.1:1/token")
        let clock = TestClock()
        let grants = Mutex<[String]>([])
        let tokens = try FCMAccessTokens(account: account, clock: clock) { uri, form in
            #expect(uri == account.tokenURI)
            let count = grants.withLock { list in
                list.append(String(decoding: form, as: UTF8.self))
                return list.count
            }
            return (200, Data(#"{"access_token": "token-\#(count)", "expires_in": 3600, "token_type": "Bearer"}"#.utf8))
        }
        #expect(try await tokens.token() == "token-1")
        clock.advance(minutes: 54)
        #expect(try await tokens.token() == "token-1")
        clock.advance(minutes: 2)
        #expect(try await tokens.token() == "token-2")

        let form = try #require(grants.withLock { $0.first })
        let items = URLComponents(string: "?" + form)?.queryItems ?? []
        #expect(items.first { $0.name == "grant_type" }?.value == FCMAccessTokens.grantType)
        let assertion = try #require(items.first { $0.name == "assertion" }?.value)
        let verifier = JWTKeyCollection()
        await verifier.add(
            rsa: try Insecure.RSA.PublicKey(pem: rsa.publicKey.pemRepresentation), digestAlgorithm: .sha256,
            kid: "kid-1")
        let claims = try await verifier.verify(assertion, as: Assertion.self)
        #expect(claims.iss.value == account.clientEmail)
        #expect(claims.scope == FCMAccessTokens.scope)
        #expect(claims.aud.value == [account.tokenURI])
    }

    @Test("a refused grant is an error that quotes the endpoint")
    func refusedGrant() async throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let account = FCMServiceAccount(
            projectId: "p", privateKeyId: "k", privateKey: rsa.pemRepresentation, clientEmail: "e", tokenURI: "u")
        let tokens = try FCMAccessTokens(account: account) { _, _ in (400, Data(#"{"error":"invalid_grant"}"#.utf8)) }
        let error = await #expect(throws: PushRequestError.self) { try await tokens.token() }
        #expect(error?.message.contains("invalid_grant") == true)
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 0)
    let policy = RetryPolicy(initialDelay: 1, maximumDelay: 30, multiplier: 2)

    @Test("delays double up to the cap, scaled by jitter")
    func backoff() {
        let far = now.addingTimeInterval(3600)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, now: now, deadline: far, random: { 1 }) == 1)
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, now: now, deadline: far, random: { 1 }) == 8)
        #expect(policy.delay(afterAttempt: 10, retryAfter: nil, now: now, deadline: far, random: { 1 }) == 30)
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, now: now, deadline: far, random: { 0.25 }) == 2)
    }

    @Test("Retry-After is honoured even when backoff says less")
    func retryAfter() {
        let far = now.addingTimeInterval(3600)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 12, now: now, deadline: far, random: { 1 }) == 12)
    }

    @Test("a retry that would land past the deadline is not made")
    func deadline() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: 12, now: now, deadline: now.addingTimeInterval(10)) == nil)
    }

    @Test("Retry-After reads seconds and HTTP dates, and ignores nonsense")
    func parsing() {
        #expect(RetryAfter.seconds(from: "120", now: now) == 120)
        #expect(RetryAfter.seconds(from: "Thu, 01 Jan 1970 00:01:00 GMT", now: now) == 60)
        #expect(RetryAfter.seconds(from: "soon", now: now) == nil)
        #expect(RetryAfter.seconds(from: nil, now: now) == nil)
    }
}
