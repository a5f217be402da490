import CountersignPKI
import Foundation

/// Development mode's own TLS: a local CA in the data folder (`tls/ca.pem`) and a certificate for
/// loopback that it signs, made on first start and issued again a month before it ends. Clients
/// trust the CA with `--ca-file` or COUNTERSIGN_CA_FILE; nothing is trusted by default.
enum DevelopmentTLS {
    struct Files {
        var authority: String
        var certificate: String
        var key: String
    }

    static let lifetime: TimeInterval = 365 * 24 * 3600
    static let renewBefore: TimeInterval = 30 * 24 * 3600

    static func prepare(in folder: URL, now: Date = Date()) throws -> Files {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let files = Files(
            authority: folder.appendingPathComponent("ca.pem").path,
            certificate: folder.appendingPathComponent("server.pem").path,
            key: folder.appendingPathComponent("server-key.pem").path)
        let authority = try LocalCertificateAuthority.loadOrCreate(
            certificate: URL(fileURLWithPath: files.authority), key: folder.appendingPathComponent("ca-key.pem"),
            name: "Countersign development CA")
        let expiry = LocalCertificateAuthority.expiry(ofCertificateAt: URL(fileURLWithPath: files.certificate))
        let keyExists = FileManager.default.fileExists(atPath: files.key)
        if authority.isNew || !keyExists || (expiry.map { $0 < now.addingTimeInterval(renewBefore) } ?? true) {
            let issued = try authority.issueLoopbackCertificate(lifetime: lifetime)
            try LocalCertificateAuthority.write(issued.privateKeyPEM, to: URL(fileURLWithPath: files.key), mode: 0o600)
            try LocalCertificateAuthority.write(
                issued.certificatePEM, to: URL(fileURLWithPath: files.certificate), mode: 0o644)
        }
        return files
    }
}
