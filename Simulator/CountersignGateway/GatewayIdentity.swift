import CountersignCore
import Crypto
import CryptoExtras
import Foundation
import SwiftASN1
import X509

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
    /// The CA that signs the gateway's TLS certificate (PEM).
    public let caCertificatePEM: String
    let caPrivateKey: P256.Signing.PrivateKey

    public var caCertificatePath: String { folder.appendingPathComponent("ca.pem").path }
    public var apnsCredentialsPath: String { folder.appendingPathComponent("apns-credentials.json").path }
    public var fcmServiceAccountPath: String { folder.appendingPathComponent("fcm-service-account.json").path }

    /// Loads the identity from `folder`, making whatever is missing.
    public static func loadOrCreate(in folder: URL) throws -> GatewayIdentity {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let caKey: P256.Signing.PrivateKey = try loadOrCreateKey(at: folder.appendingPathComponent("ca-key.pem"))
        let caFile = folder.appendingPathComponent("ca.pem")
        let caPEM: String
        if let existing = try? String(contentsOf: caFile, encoding: .utf8) {
            caPEM = existing
        } else {
            caPEM = try makeCertificateAuthority(key: caKey)
            try write(caPEM, to: caFile, mode: 0o644)
        }

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
            fcmPublicKeyPEM: fcmKey.publicKey.pemRepresentation, caCertificatePEM: caPEM, caPrivateKey: caKey)
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

    /// A TLS certificate for 127.0.0.1 and localhost, signed by the CA, with its key (both PEM).
    public func makeServerCertificate() throws -> (certificatePEM: String, privateKeyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let issuer = try DistinguishedName { CommonName("Countersign gateway emulator CA") }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(30 * 24 * 3600),
            issuer: issuer, subject: try DistinguishedName { CommonName("localhost") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(caPrivateKey))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    static func makeCertificateAuthority(key: P256.Signing.PrivateKey) throws -> String {
        let name = try DistinguishedName { CommonName("Countersign gateway emulator CA") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
        return try certificate.serializeAsPEM().pemString
    }

    static func loadOrCreateKey(at url: URL) throws -> P256.Signing.PrivateKey {
        if let pem = try? String(contentsOf: url, encoding: .utf8) {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        }
        let key = P256.Signing.PrivateKey()
        try write(key.pemRepresentation, to: url, mode: 0o600)
        return key
    }

    static func write(_ text: String, to url: URL, mode: Int) throws {
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
    }
}
