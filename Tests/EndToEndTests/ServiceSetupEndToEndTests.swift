import CountersignClient
import Foundation
import Testing

/// Running the server as a service: its settings from a config file, the environment and the
/// command line, its logs as JSON, and the systemd unit and example config under contrib/.
@Suite("countersign server as a service: config file, environment, log format, systemd unit")
struct ServiceSetupEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(
        "settings come from --config, then COUNTERSIGN_*, then flags, each winning over the one before; --log-format json writes one JSON object per line"
    )
    func layeredSettings() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.folder, withIntermediateDirectories: true)
        let port = try Executables.freePort()
        let config = workspace.folder.appendingPathComponent("countersign.conf")
        try Data(
            """
            # what an operator writes
            listen = 127.0.0.1:\(port)
            name = from-file
            metrics-token = "token-from-file"
            log-format = json
            log-level = info
            """.utf8
        ).write(to: config)
        // ServerProcess gives --data and --listen itself; the file's listen is overridden by the flag.
        let server = try ServerProcess(
            dataDirectory: workspace.dataDirectory, port: port,
            extraArguments: ["--config", config.path, "--name", "from-flag"],
            environment: [
                "COUNTERSIGN_METRICS_TOKEN": "token-from-environment", "COUNTERSIGN_NAME": "from-environment",
            ])
        try await server.waitUntilListening()
        let http = JSONHTTPClient(baseURL: try #require(URL(string: server.url)), trust: server.trust)
        // The environment's token, not the file's.
        #expect(
            try await http.send(
                method: "GET", path: "/metrics", body: nil, headers: ["Authorization": "Bearer token-from-environment"]
            ).status == 200)
        #expect(
            try await http.send(
                method: "GET", path: "/metrics", body: nil, headers: ["Authorization": "Bearer token-from-file"]
            ).status == 401)
        // The flag's name, not the environment's or the file's.
        let status = try workspace.admin(server, ["status"])
        #expect(status.output.contains("from-flag"), "\(status.output)")
        #expect(try await server.terminate() == 0)

        let logLines = server.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!logLines.isEmpty, "\(server.log)")
        for line in logLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String && object?["time"] is String, "\(line)")
        }
        #expect(!server.log.contains("token-from-environment"), "a secret reached the log")
    }

    @Test(
        "a config file with an unknown setting, a flag that is not true or false, or too many bytes is refused with its line"
    )
    func badConfigFiles() throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.folder, withIntermediateDirectories: true)
        for (text, expected) in [
            ("listen = 127.0.0.1:1\nlisten-on = 0.0.0.0:1\n", "line 2: 'listen-on' is not a setting"),
            ("dev = maybe\n", "dev is on or off"),
            ("just words\n", "line 1: expected 'name = value'"),
            (String(repeating: "# padding\n", count: 7000), "larger than 64 KB"),
        ] {
            let file = workspace.folder.appendingPathComponent("bad-\(UUID().uuidString).conf")
            try Data(text.utf8).write(to: file)
            let result = try Executables.run(
                "countersign", ["server", "--config", file.path, "--data", workspace.dataDirectory.path])
            #expect(result.status != 0)
            #expect(result.errors.contains(expected), "\(expected): \(result.errors)")
        }
        let missing = try Executables.run("countersign", ["server", "--config", "/nonexistent/countersign.conf"])
        #expect(missing.status != 0 && missing.errors.contains("cannot be read"), "\(missing.errors)")
        #expect(
            !FileManager.default.fileExists(atPath: workspace.dataDirectory.path),
            "a refused start made its data folder")
    }

    @Test("contrib/countersign.conf starts a server, and contrib/countersign.service passes systemd-analyze verify")
    func contribFiles() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let pki = try TestPKI(folder: workspace.folder.appendingPathComponent("pki"))
        try pki.issue(name: "server", commonName: "mfa-1", ca: "ca")
        let port = try Executables.freePort()
        // The example as it is, with this machine's paths and port given in the environment (and
        // --data and --listen by ServerProcess).
        let server = try ServerProcess(
            dataDirectory: workspace.dataDirectory, port: port,
            extraArguments: ["--config", Self.repository.appendingPathComponent("contrib/countersign.conf").path],
            environment: [
                "COUNTERSIGN_DATA": workspace.dataDirectory.path, "COUNTERSIGN_LISTEN": "127.0.0.1:\(port)",
                "COUNTERSIGN_TLS_CERT": pki.path("server.pem"), "COUNTERSIGN_TLS_KEY": pki.path("server.key"),
                "COUNTERSIGN_PUBLIC_URL": "https://127.0.0.1:\(port)",
            ])
        try await server.waitUntilListening()
        #expect(server.log.contains("listening on https://127.0.0.1:\(port)"), "\(server.log)")
        #expect(try await server.terminate() == 0)

        let unit = try String(
            contentsOf: Self.repository.appendingPathComponent("contrib/countersign.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/countersign server --config /etc/countersign/countersign.conf"))
        #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        // The unit as installed, but with this build's binary where it would be installed.
        let local = workspace.folder.appendingPathComponent("countersign.service")
        try Data(
            unit.replacingOccurrences(
                of: "/usr/local/bin/countersign", with: Executables.directory.appendingPathComponent("countersign").path
            ).utf8
        ).write(to: local)
        let verified = try Tool.run("/usr/bin/systemd-analyze", ["verify", local.path])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
        #expect(!verified.errors.contains("countersign.service:"), "\(verified.errors)")
    }
}
