import Foundation
import Testing

/// schemathesis (PyPI), an OpenAPI fuzzer independent of this project, run against a development
/// server over TLS from docs/openapi.yaml: every answer must be no 5xx, a documented status, the
/// documented content type and headers, and a body that matches the documented schema.
@Suite("schemathesis against docs/openapi.yaml and a running server")
struct SchemathesisEndToEndTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    /// Credentials for the document's two bearer schemes, and names and ids that exist on the
    /// server, offered to the generator half the time so that successful answers are checked too.
    static func configuration(deviceId: String, transactionId: String) -> String {
        """
        [auth.openapi.adminToken]
        bearer = "${ADMIN_TOKEN}"
        [auth.openapi.clientKey]
        bearer = "${CLIENT_KEY}"

        [dictionaries.names]
        values = ["ann", "local-dev", "vpn", "nas"]
        [dictionaries.devices]
        values = ["\(deviceId)"]
        [dictionaries.transactions]
        values = ["\(transactionId)"]

        [parameters]
        "path.name" = { dictionary = "names", probability = 0.5 }
        "path.id" = { dictionary = "devices", probability = 0.3 }
        "path.txid" = { dictionary = "transactions", probability = 0.3 }
        "query.user" = { dictionary = "names", probability = 0.5 }

        """
    }

    /// The fuzzer, when the test command asks for this run: it runs on its own after the rest of
    /// the suite, since hypothesis's CPU beside the suite's timing-sensitive tests on two cores made
    /// them late.
    static let schemathesis = ProcessInfo.processInfo.environment["COUNTERSIGN_SCHEMATHESIS"]

    @Test(
        "schemathesis finds no 5xx, no undocumented status and no answer outside its schema",
        .enabled(if: schemathesis != nil, "./scripts/test.sh runs it after the rest, with COUNTERSIGN_SCHEMATHESIS"))
    func schemathesisRun() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let schemathesis = try #require(Self.schemathesis)
        try #require(
            FileManager.default.isExecutableFile(atPath: schemathesis), "\(schemathesis) is not an executable")

        let (server, asClient) = try await ScriptedSignInEndToEndTests.serverWithClient(workspace)
        let clientKey = try #require(asClient["COUNTERSIGN_API_KEY"])
        let account = try workspace.pairPhone(server, user: "ann", platform: "apns")
        let nas = try workspace.admin(
            server, ["radius-client", "add", "nas", "--address", "127.0.0.1", "--secret", "a-radius-secret-of-24ch"])
        #expect(nas.status == 0, "\(nas.errors)")
        let transactionId = try ScriptedSignInEndToEndTests.started(
            workspace.admin(server, ["auth", "ann", "--no-wait"], environment: asClient)
        ).transactionId

        let configuration = workspace.folder.appendingPathComponent("schemathesis.toml")
        try Self.configuration(deviceId: account.deviceId, transactionId: transactionId)
            .write(to: configuration, atomically: true, encoding: .utf8)
        // The coverage phase's edge cases are most of the run's cases (about 2,000); a few random
        // cases more per operation add what it does not enumerate.
        let run = try Executables.start(
            schemathesis,
            [
                "--config-file", configuration.path, "run", Self.document.path, "--url",
                server.url,
                "--tls-verify", try #require(server.caFile),
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance",
                "--phases", "coverage,fuzzing", "--max-examples", "6", "--seed", "20261202",
                // One worker: Python 3.11.7's ast.parse, which hypothesis calls, is not safe in two
                // threads at once ("AST constructor recursion depth mismatch").
                "--workers", "1",
                // Revoking the admin token the run itself uses would leave it nothing but 401s;
                // admin tokens' revocation has its own end-to-end test.
                "--exclude-path", "/v1/admin-tokens/{name}",
            ],
            environment: ["ADMIN_TOKEN": try workspace.adminToken(), "CLIENT_KEY": clientKey, "NO_COLOR": "1"])
        // Waiting by polling, not waitUntilExit, keeps the test pool's few threads free.
        let deadline = ContinuousClock.now + .seconds(600)
        while run.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        if run.process.isRunning { run.process.terminate() }
        let result = try run.result()
        let summary = result.output.split(separator: "\n").suffix(40).joined(separator: "\n")
        #expect(result.status == 0, "schemathesis found problems:\n\(result.output.suffix(12_000))\(result.errors)")
        // It did run: thousands of cases over every operation but the excluded one.
        let generated = result.output.firstMatch(of: /(\d+) generated, (\d+) passed/)
        #expect(Int(generated?.output.1 ?? "") ?? 0 >= 1000, "\(summary)")
        #expect(generated?.output.1 == generated?.output.2, "\(summary)")
        #expect(result.output.contains("Tested: 68"), "\(summary)")
        #expect(try await server.terminate() == 0)
    }
}
