import CountersignCore
import CountersignPKI
import Crypto
import CryptoExtras
import Foundation

/// What the gateway makes on its first start and keeps in its state folder, the way Apple and Google
/// hand out credentials: a CA the server must trust, an APNs signing key (.p8) with its key and team
/// ids and topic, and an FCM service-account file. The server's development mode reads these files.
public struct GatewayIdentity: Sendable {
    public struct APNsCredentials: Codable, Sendable, Equatable {
        public var keyId: String
        public var teamId: String
        public var topic: String
        /// Path of the .p8 PEM key file.
        public var privateKeyPath: String
    }

    public let folder: URL
    public let apns: APNsCredentials
    /// The ES256 key APNs provider tokens must be signed with.
    public let apnsPublicKey: P256.Signing.PublicKey
    public let fcmProjectId: String
    public let fcmClientEmail: String
    public let fcmPublicKeyPEM: String
    /// The CA that signs the gateway's TLS certificate.
    let authority: LocalCertificateAuthority
    /// Its certificate (PEM), which the server must trust.
    public var caCertificatePEM: String { authority.certificatePEM }

    public var caCertificatePath: String { folder.appendingPathComponent("ca.pem").path }
    public var apnsCredentialsPath: String { folder.appendingPathComponent("apns-credentials.json").path }
    public var fcmServiceAccountPath: String { folder.appendingPathComponent("fcm-service-account.json").path }

    /// Loads the identity from `folder`, making whatever is missing.
    public static func loadOrCreate(in folder: URL) throws -> GatewayIdentity {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authority = try LocalCertificateAuthority.loadOrCreate(
            certificate: folder.appendingPathComponent("ca.pem"), key: folder.appendingPathComponent("ca-key.pem"),
            name: "Countersign gateway emulator CA")

        let apnsFile = folder.appendingPathComponent("apns-credentials.json")
        let apns: APNsCredentials
        if let data = try? Data(contentsOf: apnsFile) {
            apns = try JSONDecoder().decode(APNsCredentials.self, from: data)
        } else {
            let keyId = String(Base32.encode(SecureRandom.bytes(7)).prefix(10))
            let keyPath = folder.appendingPathComponent("AuthKey_\(keyId).p8")
            try write(P256.Signing.PrivateKey().pemRepresentation, to: keyPath, mode: 0o600)
            apns = APNsCredentials(
                keyId: keyId, teamId: String(Base32.encode(SecureRandom.bytes(7)).prefix(10)),
                topic: "com.countersign.authenticator", privateKeyPath: keyPath.path)
            try write(String(decoding: try JSONEncoder().encode(apns), as: UTF8.self), to: apnsFile, mode: 0o600)
        }
        let apnsKey = try P256.Signing.PrivateKey(
            pemRepresentation: String(contentsOfFile: apns.privateKeyPath, encoding: .utf8))

        let fcmKeyFile = folder.appendingPathComponent("fcm-key.pem")
        let fcmKey: _RSA.Signing.PrivateKey
        if let pem = try? String(contentsOf: fcmKeyFile, encoding: .utf8) {
            fcmKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } else {
            fcmKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            try write(fcmKey.pemRepresentation, to: fcmKeyFile, mode: 0o600)
        }
        return GatewayIdentity(
            folder: folder, apns: apns, apnsPublicKey: apnsKey.publicKey, fcmProjectId: "countersign-local",
            fcmClientEmail: "push@countersign-local.iam.gserviceaccount.example",
            fcmPublicKeyPEM: fcmKey.publicKey.pemRepresentation, authority: authority)
    }

    /// Writes the service-account file with the token endpoint at `tokenURI` (it names the running port).
    public func writeServiceAccount(tokenURI: String) throws {
        let key = try String(contentsOf: folder.appendingPathComponent("fcm-key.pem"), encoding: .utf8)
        let account: [String: String] = [
            "type": "service_account", "project_id": fcmProjectId, "private_key_id": "countersign-local-key",
            "private_key": key, "client_email": fcmClientEmail, "token_uri": tokenURI,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Self.write(
            String(decoding: try encoder.encode(account), as: UTF8.self),
            to: URL(fileURLWithPath: fcmServiceAccountPath),
            mode: 0o600)
    }

    /// A TLS certificate for loopback, signed by the CA, with its key (both PEM).
    public func makeServerCertificate() throws -> (certificatePEM: String, privateKeyPEM: String) {
        try authority.issueLoopbackCertificate(lifetime: 30 * 24 * 3600)
    }

    static func write(_ text: String, to url: URL, mode: Int) throws {
        try LocalCertificateAuthority.write(text, to: url, mode: mode)
    }
}
