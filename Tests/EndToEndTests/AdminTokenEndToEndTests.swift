import CountersignClient
import Foundation
import Testing

@Suite("Admin tokens through the command line, with real processes")
struct AdminTokenEndToEndTests {
    @Test(
        "create prints a token once, list shows no secrets, revoke ends the first token at once; bad dates are refused")
    func lifecycle() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let server = try await workspace.startServer()

        let created = try workspace.admin(server, ["admin-token", "create", "ops", "--expires", "2099-01-01"])
        #expect(created.status == 0, "\(created.errors)")
        #expect(created.output.contains("Admin token 'ops' (shown once; works until 2099-01-01"), "\(created.output)")
        let token = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        #expect(token.hasPrefix("csa_"))

        let listed = try workspace.admin(server, ["admin-token", "list"])
        #expect(listed.output.contains("initial") && listed.output.contains("ops") && !listed.output.contains("csa_"))
        // Times are shown in the zone of the machine running the command, with its offset.
        let inIndia = try workspace.admin(server, ["admin-token", "list"], environment: ["TZ": "Asia/Kolkata"])
        #expect(inIndia.output.contains("2099-01-01 05:30:00 +0530"), "\(inIndia.output)")
        let inUTC = try workspace.admin(server, ["admin-token", "list"], environment: ["TZ": "UTC"])
        #expect(inUTC.output.contains("2099-01-01 00:00:00 +0000"), "\(inUTC.output)")

        let revoked = try workspace.admin(
            server, ["admin-token", "revoke", "initial"], environment: ["COUNTERSIGN_TOKEN": token])
        #expect(revoked.status == 0, "\(revoked.errors)")
        let refused = try workspace.admin(server, ["status"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("not valid"), "\(refused.errors)")
        #expect(try workspace.admin(server, ["status"], environment: ["COUNTERSIGN_TOKEN": token]).status == 0)

        let audit = try workspace.admin(server, ["audit"], environment: ["COUNTERSIGN_TOKEN": token])
        #expect(audit.status == 0, "\(audit.errors)")
        #expect(audit.output.contains("DELETE /v1/admin-tokens/{name}") && audit.output.contains("name=initial"))
        #expect(audit.output.contains("127.0.0.1") && !audit.output.contains("csa_"), "\(audit.output)")

        for bad in ["2026-02-30", "2026-13-01", "tomorrow"] {
            let result = try workspace.admin(
                server, ["admin-token", "create", "x", "--expires", bad], environment: ["COUNTERSIGN_TOKEN": token])
            #expect(result.status != 0 && result.errors.contains("--expires must be"), "\(bad): \(result.errors)")
        }
        #expect(try await server.terminate() == 0)
    }

    @Test("countersign server --metrics-token: /metrics answers only with that token")
    func metricsToken() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let token = "scrape-\(UUID().uuidString)"
        let server = try await workspace.startServer(extraArguments: ["--metrics-token", token])
        let http = JSONHTTPClient(baseURL: try #require(URL(string: server.url)), trust: server.trust)
        #expect(try await http.send(method: "GET", path: "/metrics", body: nil).status == 401)
        let scraped = try await http.send(
            method: "GET", path: "/metrics", body: nil, headers: ["Authorization": "Bearer \(token)"])
        #expect(scraped.status == 200)
        #expect(String(decoding: scraped.body, as: UTF8.self).contains("countersign_"))
        #expect(try await server.terminate() == 0)
    }
}
