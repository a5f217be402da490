import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority that lives in a folder on this machine, for development: it signs TLS
/// certificates for loopback (127.0.0.1, ::1 and localhost), and whoever trusts its certificate
/// file trusts them. The gateway emulator and the server's development mode each keep one.
public struct LocalCertificateAuthority: Sendable {
    public let certificatePEM: String
    let key: P256.Signing.PrivateKey
    let name: String
    /// Made by this call: every certificate an earlier CA in the folder signed must be issued again.
    public var isNew = false

    /// Loads the CA from `certificate` and `key`, making both when the key is missing.
    public static func loadOrCreate(certificate: URL, key keyFile: URL, name: String) throws
        -> LocalCertificateAuthority
    {
        let key: P256.Signing.PrivateKey
        if let pem = try? String(contentsOf: keyFile, encoding: .utf8) {
            key = try P256.Signing.PrivateKey(pemRepresentation: pem)
        } else {
            key = P256.Signing.PrivateKey()
            try write(key.pemRepresentation, to: keyFile, mode: 0o600)
            try? FileManager.default.removeItem(at: certificate)
        }
        if let existing = try? String(contentsOf: certificate, encoding: .utf8) {
            return LocalCertificateAuthority(certificatePEM: existing, key: key, name: name)
        }
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        let authority = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
        let pem = try authority.serializeAsPEM().pemString
        // Public: a client is told to trust this file.
        try write(pem, to: certificate, mode: 0o644)
        return LocalCertificateAuthority(certificatePEM: pem, key: key, name: name, isNew: true)
    }

    /// A TLS server certificate for loopback, valid from five minutes ago for `lifetime`, with its
    /// new key (both PEM).
    public func issueLoopbackCertificate(lifetime: TimeInterval) throws -> (
        certificatePEM: String, privateKeyPEM: String
    ) {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(lifetime),
            issuer: try DistinguishedName { CommonName(name) },
            subject: try DistinguishedName { CommonName("localhost") },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                    .ipAddress(ASN1OctetString(contentBytes: Array(repeating: 0, count: 15) + [1])),
                ])
            },
            issuerPrivateKey: .init(key))
        return (try certificate.serializeAsPEM().pemString, leafKey.pemRepresentation)
    }

    /// When a certificate file's certificate stops being valid; nil when the file is unreadable.
    public static func expiry(ofCertificateAt url: URL) -> Date? {
        guard let pem = try? String(contentsOf: url, encoding: .utf8),
            let certificate = try? Certificate(pemEncoded: pem)
        else { return nil }
        return certificate.notValidAfter
    }

    /// Writes a whole file with `mode` from its first byte.
    public static func write(_ text: String, to url: URL, mode: Int) throws {
        try? FileManager.default.removeItem(at: url)
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
    }
}
