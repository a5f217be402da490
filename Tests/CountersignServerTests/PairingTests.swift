import CountersignClient
import CountersignCore
import CountersignPhoneKit
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Pairing over real HTTP: a server on a loopback port, and the simulator's own client redeeming codes.
@Suite("Pairing over HTTP")
struct PairingTests {
    func baseURL(_ client: some TestClientProtocol) throws -> URL {
        let port = try #require(client.port)
        return try #require(URL(string: "http://127.0.0.1:\(port)"))
    }

    @Test("the simulator pairs, and its offline codes match the secret the server keeps")
    func pairs() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        let account = try await server.makeApplication().test(.live) { client in
            try await PhoneClient(clock: server.clock).pair(
                PairingURL(server: try baseURL(client), code: code), platform: .apns, pushToken: "a1b2c3",
                displayName: "Alice's phone")
        }
        #expect(account.user == "alice")
        let activation = try #require(try await server.store.currentActivation())
        #expect(account.activationId == activation.id)
        #expect(account.serverPublicKey == activation.serverPublicKey)

        let device = try await server.store.device(id: account.deviceId)
        #expect(device.platform == .apns)
        #expect(device.hasPushToken)
        #expect(device.displayName == "Alice's phone")
        let credentials = try await server.store.deviceCredentials(id: account.deviceId)
        #expect(credentials.publicKey == (try account.signingKey().publicKey.x963Representation))

        let serverSecret = try await server.store.deviceOATHSecret(id: account.deviceId)
        let serverTOTP = TOTP(hotp: try HOTP(secret: serverSecret))
        let now = server.clock.now()
        #expect(try account.code(at: now) == serverTOTP.code(at: now))
    }

    @Test("a used, expired or unknown code is refused and stores nothing more")
    func refusedCodes() async throws {
        let server = try await TestServer.make()
        let used = try await server.pairingCode()
        let expiring = try await server.pairingCode(validFor: 60)
        try await server.makeApplication().test(.live) { client in
            let phone = PhoneClient(clock: server.clock)
            let base = try baseURL(client)
            _ = try await phone.pair(PairingURL(server: base, code: used))

            let reuse = await #expect(throws: ClientError.self) {
                try await phone.pair(PairingURL(server: base, code: used))
            }
            #expect(reuse?.code == "activation_code_used")
            #expect(reuse?.message.contains("already been used") == true)

            server.clock.advance(by: 61)
            let expired = await #expect(throws: ClientError.self) {
                try await phone.pair(PairingURL(server: base, code: expiring))
            }
            #expect(expired?.code == "activation_code_expired")

            let unknown = await #expect(throws: ClientError.self) {
                try await phone.pair(PairingURL(server: base, code: Base32.encode(SecureRandom.bytes(20))))
            }
            #expect(unknown?.code == "activation_code_unknown")
        }
        #expect(try await server.deviceCount() == 1)
    }

    @Test(
        "a pairing signed by another key, tampered after signing, unsigned or stale is refused; the code stays usable")
    func forgedPairing() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        try await server.makeApplication().test(.live) { client in
            let http = JSONHTTPClient(baseURL: try baseURL(client))
            let phoneKey = P256.Signing.PrivateKey()
            let body = try pairingBody(code: code, publicKey: phoneKey.publicKey)

            let forged = try SignedRequest(
                method: "POST", path: "/v1/devices", body: body, signedBy: P256.Signing.PrivateKey(),
                at: server.clock.now())
            let forgedAnswer = try await forged.send(to: http)
            #expect(forgedAnswer.status == 401)
            #expect(forgedAnswer.error?.error.message.contains("signature does not match") == true)

            var tampered = try SignedRequest(
                method: "POST", path: "/v1/devices", body: body, signedBy: phoneKey, at: server.clock.now())
            tampered.body = try pairingBody(code: code, publicKey: phoneKey.publicKey, platform: .fcm)
            #expect(try await tampered.send(to: http).status == 401)

            let (unsignedStatus, _) = try await http.send(method: "POST", path: "/v1/devices", body: body)
            #expect(unsignedStatus == 401)

            let stale = try SignedRequest(
                method: "POST", path: "/v1/devices", body: body, signedBy: phoneKey,
                at: server.clock.now().addingTimeInterval(-600))
            #expect(try await stale.send(to: http).status == 401)

            let badKey = try APIJSON.makeEncoder().encode(
                PairingRequest(
                    code: code, platform: .pollOnly, pushToken: nil, environment: .production, publicKey: "AAAA",
                    displayName: nil))
            let badKeyRequest = try SignedRequest(
                method: "POST", path: "/v1/devices", body: badKey, signedBy: phoneKey, at: server.clock.now())
            #expect(try await badKeyRequest.send(to: http).status == 400)
            #expect(try await server.deviceCount() == 0)

            // None of the refusals spent the code.
            let genuine = try SignedRequest(
                method: "POST", path: "/v1/devices", body: body, signedBy: phoneKey, at: server.clock.now())
            #expect(try await genuine.send(to: http).status == 201)
        }
        #expect(try await server.deviceCount() == 1)
    }

    @Test("push platforms need a valid token; poll-only phones have none")
    func pushTokenRules() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        try await server.makeApplication().test(.live) { client in
            let phone = PhoneClient(clock: server.clock)
            let base = try baseURL(client)
            for (platform, token) in [(DevicePlatform.apns, nil), (.fcm, "has space"), (.pollOnly, "t")]
                as [(DevicePlatform, String?)]
            {
                let error = await #expect(throws: ClientError.self) {
                    try await phone.pair(PairingURL(server: base, code: code), platform: platform, pushToken: token)
                }
                #expect(error?.code == "invalid_request")
            }
        }
        #expect(try await server.deviceCount() == 0)
    }

    @Test("a phone replaces its push token with a signed request; a replay, a forgery or a removed device is refused")
    func pushTokenUpdate() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        try await server.makeApplication().test(.live) { client in
            let phone = PhoneClient(clock: server.clock)
            let base = try baseURL(client)
            let account = try await phone.pair(PairingURL(server: base, code: code), platform: .fcm, pushToken: "old")
            let updated = try await phone.updatePushToken(account, to: "new-token")
            #expect(updated.pushToken == "new-token")

            let http = JSONHTTPClient(baseURL: base)
            let path = "/v1/devices/\(account.deviceId)/push-token"
            let body = Data(#"{"pushToken":"attacker"}"#.utf8)
            server.clock.advance(by: 1)
            let request = try SignedRequest(
                method: "PUT", path: path, body: body, signedBy: account.signingKey(), at: server.clock.now())
            #expect(try await request.send(to: http).status == 200)
            let replay = try await request.send(to: http)
            #expect(replay.status == 401)
            #expect(replay.error?.error.code == "replayed_request")

            let forged = try SignedRequest(
                method: "PUT", path: path, body: body, signedBy: P256.Signing.PrivateKey(),
                at: server.clock.now().addingTimeInterval(1))
            #expect(try await forged.send(to: http).status == 401)

            _ = try await server.store.removeDevice(id: account.deviceId, now: server.clock.now())
            server.clock.advance(by: 1)
            await #expect(throws: PhoneError.notActivated) { try await phone.updatePushToken(updated, to: "later") }
        }
    }

    @Test("a poll-only device cannot set a push token, and its record stays as it was")
    func pollOnlyHasNoToken() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        try await server.makeApplication().test(.live) { client in
            let phone = PhoneClient(clock: server.clock)
            let account = try await phone.pair(PairingURL(server: try baseURL(client), code: code))
            server.clock.advance(by: 1)
            let error = await #expect(throws: ClientError.self) { try await phone.updatePushToken(account, to: "t") }
            #expect(error?.code == "invalid_request")
            #expect(try await server.store.device(id: account.deviceId).hasPushToken == false)
        }
    }
}
