import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A test CA with a server and a client certificate (made by openssl), and Debian's radsecproxy
/// taking plain RADIUS on a UDP port and forwarding it over RadSec (TLS, RFC 6614): what a NAS
/// that speaks only UDP puts in front of a RadSec server.
final class RadSecProxy {
    let folder: URL
    let udpPort: Int
    let process: Executables.Running
    var serverCertificate: String { folder.appendingPathComponent("server.pem").path }
    var serverKey: String { folder.appendingPathComponent("server.key").path }
    var caCertificate: String { folder.appendingPathComponent("ca.pem").path }

    /// Makes the certificates only; `start` runs the proxy once the server's port is known.
    static func makeCertificates(in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            let result = try Executables.run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw ProxyFailure(log: "openssl \(arguments): \(result.errors)") }
        }
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("ca.key"),
            "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=Countersign test CA",
        ])
        for name in ["server", "client"] {
            try openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(name).key"),
                "-out", path("\(name).csr"), "-subj", "/CN=\(name)",
            ])
            try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n".write(
                toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path("\(name).ext"),
            ])
        }
    }

    /// Forwards what arrives on a free UDP port, signed with `secret`, to RadSec on `radsecPort`.
    init(folder: URL, radsecPort: Int, secret: String) async throws {
        self.folder = folder
        udpPort = try Executables.freePort(udp: true)
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        try """
        ListenUDP 127.0.0.1:\(udpPort)
        LogLevel 4
        LogDestination file://\(path("radsecproxy.log"))
        tls default {
            CACertificateFile \(path("ca.pem"))
            CertificateFile \(path("client.pem"))
            CertificateKeyFile \(path("client.key"))
        }
        client nas {
            host 127.0.0.1
            type udp
            secret \(secret)
        }
        server countersign {
            host 127.0.0.1
            port \(radsecPort)
            type tls
            certificateNameCheck off
            secret radsec
        }
        realm * {
            server countersign
        }

        """.write(toFile: path("radsecproxy.conf"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: path("radsecproxy.log"), contents: nil)
        process = try Executables.start("/usr/sbin/radsecproxy", ["-f", "-c", path("radsecproxy.conf")])
        let log = folder.appendingPathComponent("radsecproxy.log")
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            // In the foreground it logs to standard error.
            let said = (try? String(contentsOf: process.errorURL, encoding: .utf8)) ?? ""
            if said.contains("listening for udp") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw ProxyFailure(
            log: ((try? String(contentsOf: log, encoding: .utf8)) ?? "") + process.output
                + ((try? process.result().errors) ?? ""))
    }

    struct ProxyFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "radsecproxy did not start:\n\(log)" }
    }

    /// SIGKILL, as for FreeRADIUS: the test runner's children inherit its blocked SIGTERM.
    func stop() {
        kill(process.process.processIdentifier, SIGKILL)
        process.process.waitUntilExit()
    }
}
