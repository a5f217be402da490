import Foundation
import Testing

/// The HTTP listener over TLS, checked from outside with real clients: curl for HTTP/2 and
/// HTTP/1.1 and for the verdict on a certificate, openssl's s_client for which certificate a new
/// connection is shown.
@Suite("TLS on the server's listener, with real processes")
struct TLSEndToEndTests {
    @Test(
        "--tls-cert: HTTPS with HTTP/2 and HTTP/1.1; the CLI and the phone verify it (--ca-file); pairing and a push sign-in over https; a wrong CA refused; SIGHUP serves a renewed certificate and keeps the old one when the new cannot be read"
    )
    func tlsListener() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let pki = try TestPKI(folder: workspace.folder.appendingPathComponent("pki"))
        try pki.issue(name: "first", commonName: "countersign-first", ca: "ca")
        try pki.issue(name: "renewed", commonName: "countersign-renewed", ca: "ca")
        try pki.makeCA("other")
        let certificate = pki.path("server.pem")
        let key = pki.path("server.key")
        try pki.install("first", certificate: certificate, key: key)

        let server = try await workspace.startServer(extraArguments: ["--tls-cert", certificate, "--tls-key", key])
        let base = "https://127.0.0.1:\(server.port)"
        #expect(server.log.contains("Countersign is listening on \(base)"), "\(server.log)")

        let h2 = try Curl.run(["--cacert", pki.path("ca.pem"), "-w", "%{http_code} %{http_version}", base + "/health"])
        #expect(h2.status == 0 && h2.output.hasSuffix("200 2"), "\(h2)")
        let h1 = try Curl.run([
            "--http1.1", "--cacert", pki.path("ca.pem"), "-w", "%{http_code} %{http_version}", base + "/health",
        ])
        #expect(h1.status == 0 && h1.output.hasSuffix("200 1.1"), "\(h1)")
        let oldTLS = try Curl.run(["--tlsv1.1", "--tls-max", "1.1", "--cacert", pki.path("ca.pem"), base + "/health"])
        #expect(oldTLS.status != 0, "TLS 1.1 was accepted: \(oldTLS)")
        let wrongCA = try Curl.run(["--cacert", pki.path("other.pem"), base + "/health"])
        #expect(wrongCA.status == 60, "a certificate from another CA was accepted: \(wrongCA)")

        // Pairing URLs name the server as phones must reach it: over https.
        let token = try workspace.adminToken()
        let admin = [
            "--cacert", pki.path("ca.pem"), "-H", "Authorization: Bearer \(token)", "-H",
            "Content-Type: application/json",
        ]
        let user = try Curl.run(admin + ["-d", #"{"name":"alice"}"#, base + "/v1/users"])
        #expect(user.status == 0 && user.output.contains("alice"), "\(user)")
        let code = try Curl.run(admin + ["-X", "POST", base + "/v1/users/alice/pairing-codes"])
        #expect(code.output.contains("server=https%3A%2F%2F127%2E0%2E0%2E1%3A\(server.port)&"), "\(code)")

        // The operator's command line and the simulated phone verify the certificate, against the
        // CA given with --ca-file or COUNTERSIGN_CA_FILE, and never skip it.
        let overTLS = ["COUNTERSIGN_SERVER": base, "COUNTERSIGN_CA_FILE": pki.path("ca.pem")]
        let untrusted = try workspace.admin(server, ["status"], environment: ["COUNTERSIGN_SERVER": base])
        #expect(untrusted.status != 0 && untrusted.errors.contains("not trusted"), "\(untrusted.errors)")
        let otherCA = try workspace.admin(
            server, ["status", "--ca-file", pki.path("other.pem")], environment: ["COUNTERSIGN_SERVER": base])
        #expect(otherCA.status != 0 && otherCA.errors.contains("not trusted"), "\(otherCA.errors)")
        let trusted = try workspace.admin(
            server, ["status", "--ca-file", pki.path("ca.pem")], environment: ["COUNTERSIGN_SERVER": base])
        #expect(trusted.status == 0, "\(trusted.errors)")

        // Pairing over https and a push sign-in answered over it.
        #expect(try workspace.admin(server, ["user", "add", "ann"], environment: overTLS).status == 0)
        let pairing = try workspace.admin(server, ["user", "pair", "ann"], environment: overTLS)
        let url = try #require(pairing.output.split(separator: "\n").last.map(String.init))
        #expect(url.contains("server=https"), "\(pairing.output)")
        let refusedPairing = try workspace.phone(["pair", url, "--platform", "apns", "--phone", "ann"])
        #expect(refusedPairing.status != 0 && refusedPairing.errors.contains("not trusted"), "\(refusedPairing.errors)")
        let paired = try workspace.phone([
            "pair", url, "--platform", "apns", "--phone", "ann", "--ca-file", pki.path("ca.pem"),
        ])
        #expect(paired.status == 0, "\(paired.errors)")
        let client = try workspace.admin(server, ["client", "create", "vpn"], environment: overTLS)
        let apiKey = try #require(client.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        let started = try workspace.admin(
            server, ["auth", "ann", "--no-wait"], environment: overTLS.merging(["COUNTERSIGN_API_KEY": apiKey]) { $1 })
        #expect(started.status == 0, "\(started.errors)")
        let number = try #require(
            started.output.split(separator: "\n").first { $0.hasPrefix("Number") }?.split(separator: " ").last)
        let answered = try workspace.phone([
            "listen", "--phone", "ann", "--auto", "approve", "--number", String(number), "--once", "--timeout", "30",
            "--ca-file", pki.path("ca.pem"),
        ])
        #expect(answered.status == 0, "\(answered.errors)")
        let log = try workspace.admin(server, ["log"], environment: overTLS)
        #expect(log.output.contains("approved"), "\(log.output)")

        #expect(try pki.servedSubject(port: server.port).contains("countersign-first"))
        try pki.install("renewed", certificate: certificate, key: key)
        kill(server.process.processIdentifier, SIGHUP)
        try await Self.waitFor("TLS certificate read again", in: server)
        #expect(try pki.servedSubject(port: server.port).contains("countersign-renewed"))
        #expect(try Curl.run(["--cacert", pki.path("ca.pem"), base + "/health"]).status == 0)

        // A renewal that went wrong: the certificate in use stays, and the log says why.
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: certificate))
        kill(server.process.processIdentifier, SIGHUP)
        try await Self.waitFor("TLS certificate not changed", in: server)
        #expect(try pki.servedSubject(port: server.port).contains("countersign-renewed"))
        #expect(server.process.isRunning)
        #expect(try await server.terminate() == 0)
    }

    @Test(
        "plain HTTP is served on loopback only, unless --allow-plain-http, which the start-up warns about; a key that is not the certificate's is refused"
    )
    func plainHTTPAndBadPairs() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let port = try Executables.freePort()
        let refused = try Executables.run(
            "countersign", ["server", "--data", workspace.dataDirectory.path, "--listen", "0.0.0.0:\(port)"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("plain HTTP is for loopback only"), "\(refused.errors)")

        let allowed = try ServerProcess(
            dataDirectory: workspace.dataDirectory,
            extraArguments: ["--listen", "0.0.0.0:\(port)", "--allow-plain-http"])
        try await allowed.waitUntilListening()
        #expect(allowed.log.contains("Warning: serving plain HTTP on 0.0.0.0"), "\(allowed.log)")
        #expect(try Curl.run(["http://127.0.0.1:\(port)/health"]).status == 0)
        #expect(try await allowed.terminate() == 0)

        let pki = try TestPKI(folder: workspace.folder.appendingPathComponent("pki"))
        try pki.issue(name: "one", commonName: "one", ca: "ca")
        try pki.issue(name: "two", commonName: "two", ca: "ca")
        let mismatched = try Executables.run(
            "countersign",
            [
                "server", "--data", workspace.dataDirectory.path, "--listen", "127.0.0.1:\(port)", "--tls-cert",
                pki.path("one.pem"), "--tls-key", pki.path("two.key"),
            ])
        #expect(mismatched.status != 0)
        #expect(mismatched.errors.contains("does not match"), "\(mismatched.errors)")
        let alone = try Executables.run(
            "countersign", ["server", "--data", workspace.dataDirectory.path, "--tls-cert", pki.path("one.pem")])
        #expect(alone.status != 0 && alone.errors.contains("--tls-cert and --tls-key go together"), "\(alone.errors)")
    }

    static func waitFor(_ text: String, in server: ServerProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !server.log.contains(text) {
            guard ContinuousClock.now < deadline else {
                throw ServerFailure(message: "no '\(text)' in:\n\(server.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// curl, run to its end.
enum Curl {
    static func run(_ arguments: [String]) throws -> Executables.Result {
        try Tool.run("/usr/bin/curl", ["-sS", "--max-time", "10"] + arguments)
    }
}

/// A tool of the system's, run to its end, with what it wrote.
enum Tool {
    static func run(_ path: String, _ arguments: [String], input: Data? = nil) throws -> Executables.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Executables.Result(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }
}

/// Certificate authorities and server certificates for 127.0.0.1, made with openssl.
struct TestPKI {
    let folder: URL

    init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try makeCA("ca")
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func makeCA(_ name: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", "/CN=Countersign test CA \(name)",
        ])
    }

    /// NAME.pem and NAME.key, for 127.0.0.1 and localhost, signed by CA.
    func issue(name: String, commonName: String, ca: String) throws {
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(name).key"),
            "-out", path("\(name).csr"), "-subj", "/CN=\(commonName)",
        ])
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\n".utf8).write(to: folder.appendingPathComponent("san.ext"))
        try openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
            "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path("san.ext"),
        ])
    }

    /// Copies NAME's pair over the files the server reads.
    func install(_ name: String, certificate: String, key: String) throws {
        for (from, to) in [(path("\(name).pem"), certificate), (path("\(name).key"), key)] {
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: from, toPath: to)
        }
    }

    /// The subject of the certificate a new connection to the port is shown.
    func servedSubject(port: Int) throws -> String {
        let shown = try Tool.run(
            "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"], input: Data()
        )
        guard let line = shown.output.split(separator: "\n").first(where: { $0.hasPrefix("subject=") }) else {
            throw ServerFailure(message: "s_client showed no subject:\n\(shown.output)\n\(shown.errors)")
        }
        return String(line)
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try Tool.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw ServerFailure(message: "openssl \(arguments): \(result.errors)") }
    }
}
