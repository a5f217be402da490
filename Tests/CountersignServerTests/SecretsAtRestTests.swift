import CountersignCore
import CountersignPhoneKit
import CountersignServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Secrets at rest")
struct SecretsAtRestTests {
    /// Every byte SQLite has written: the main file and its write-ahead log.
    func databaseBytes(_ server: TestServer) throws -> Data {
        let files = try FileManager.default.contentsOfDirectory(atPath: server.folder.path)
            .filter { $0.hasPrefix("countersign.sqlite") }
        #expect(files.contains("countersign.sqlite"))
        return try files.reduce(into: Data()) { all, name in
            all += try Data(contentsOf: server.folder.appendingPathComponent(name))
        }
    }

    @Test(
        "after pairing, the SQLite files hold neither the OATH secret, the push key, the activation code, the admin token, the server key nor a RADIUS secret"
    )
    func nothingInClear() async throws {
        let server = try await TestServer.make()
        let code = try await server.pairingCode()
        let account = try await server.makeApplication().test(.live) { client in
            try await PhoneClient(clock: server.clock).pair(
                PairingURL(server: URL(string: "http://127.0.0.1:\(client.port ?? 0)")!, code: code))
        }
        let activation = try #require(try await server.store.currentActivation())
        let serverKey = try await server.store.serverSigningKey(activationId: activation.id)
        let oathSecret = try await server.store.deviceOATHSecret(id: account.deviceId)
        let tokenSecret = String(server.adminToken.split(separator: "_", maxSplits: 2)[2])
        let pushKey = try #require(account.pushKey.flatMap(Base64URL.decode))
        #expect(pushKey.count == SealedPushChallenge.keyByteCount)

        let radiusSecret = "radius-secret-never-in-clear"
        let upstreamSecret = "upstream-secret-never-in-clear"
        _ = try await RadiusClients(environment: server.environment).add(
            RadiusClientRequest(
                name: "vpn", address: "10.0.0.0/8", secret: radiusSecret, firstFactor: "radius",
                upstream: "10.0.0.5:1812", upstreamSecret: upstreamSecret))

        let bytes = try databaseBytes(server)
        let mustNotAppear: [(String, Data)] = [
            ("RADIUS client secret", Data(radiusSecret.utf8)),
            ("RADIUS upstream secret", Data(upstreamSecret.utf8)),
            ("OATH secret", Data(oathSecret)),
            ("OATH secret in Base32", Data(account.oath.secret.utf8)),
            ("push key", pushKey),
            ("push key in base64url", Data(try #require(account.pushKey).utf8)),
            ("activation code", Data(code.utf8)),
            ("admin token", Data(server.adminToken.utf8)),
            ("admin token secret", Data(tokenSecret.utf8)),
            ("server private key", serverKey.rawRepresentation),
        ]
        for (name, secret) in mustNotAppear {
            #expect(bytes.range(of: secret) == nil, "\(name) is stored in clear")
        }
        // The check can fail: what is meant to be stored in clear is found.
        #expect(bytes.range(of: serverKey.publicKey.x963Representation) != nil)
        #expect(bytes.range(of: Data(SecretHash.sha256Hex(code).utf8)) != nil)
    }
}
