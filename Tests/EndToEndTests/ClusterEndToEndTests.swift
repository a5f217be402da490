import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// Three `countersign server` nodes on one PostgreSQL database, with real processes throughout:
/// the gateway emulator, simulated phones and the operator's command line. No node is special and
/// no request sticks to one.
@Suite(
    "Several nodes on one PostgreSQL end to end", .serialized,
    .enabled(if: ClusterWorkspace.databaseURL != nil))
struct ClusterEndToEndTests {
    /// A device request signed with the phone's key, as the app sends it, to any node.
    func signedFetch(_ account: PhoneAccount, at node: ServerProcess, timestamp: Int64) async throws
        -> NodeHTTP.Answer
    {
        let path = "/v1/devices/\(account.deviceId)/challenges"
        let signature = try DeviceRequestSignature.sign(
            method: "GET", path: path, timestampMillis: timestamp, body: Data(), with: account.signingKey())
        return try await NodeHTTP.send(
            "GET", node.url + path,
            headers: [
                DeviceRequestSignature.timestampHeader: String(timestamp),
                DeviceRequestSignature.signatureHeader: signature,
            ])
    }

    func startSignIn(_ node: ServerProcess, apiKey: String, user: String, method: String = "push", timeout: Int = 30)
        async throws -> AuthTransaction
    {
        let body = try APIJSON.makeEncoder().encode(
            AuthRequest(
                user: user, method: AuthMethod(rawValue: method) ?? .push, context: AuthContext(application: "VPN"),
                timeoutSeconds: timeout))
        let answer = try await NodeHTTP.send("POST", node.url + "/v1/auth", apiKey: apiKey, body: body)
        #expect(answer.status == 200 || answer.status == 201, "\(answer.status): \(answer.text)")
        return try NodeHTTP.transaction(answer)
    }

    @Test(
        "a push started on node 1 and answered through node 2 wakes a long-poll on node 3; an SMS code works once on any node; a deleted key and a re-activation take effect on every node at once"
    )
    func anyNodeAnswersAnySignIn() async throws {
        var cluster = try ClusterWorkspace(serverURL: try #require(ClusterWorkspace.databaseURL))
        defer { cluster.remove() }
        // Node 2 reaches the database through its Unix socket (`host=/dir` in the URL), the others by TCP.
        try await cluster.start(3, extra: ["--max-pending-pushes", "10"], overSocket: [2])
        let (node1, node2, node3) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])

        let status = try cluster.admin(node1, ["status"])
        #expect(status.output.contains("Nodes:        3 live of 3"), "\(status.output)")
        if let socketURL = cluster.socketURL {
            // A connection through a Unix socket has no client address.
            let overSocket = try ClusterWorkspace.psqlValue(
                cluster.databaseURL,
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'countersign%' AND client_addr IS NULL AND backend_type = 'client backend'"
            )
            #expect((Int(overSocket) ?? 0) > 0, "no node connected through \(socketURL)")
        } else {
            #expect(ProcessInfo.processInfo.environment["COUNTERSIGN_REQUIRE_POSTGRES"] != "1", "no socket given")
        }
        for name in ["node1", "node2", "node3"] { #expect(status.output.contains("  \(name)  live")) }

        let apiKey = try cluster.apiKey(node3, client: "vpn")
        let alice = try cluster.pairPhone(node2, user: "alice")
        #expect(alice.server.absoluteString.hasPrefix(node2.url))

        // Push: started on node 1, which queues and sends it; a long-poll waits on node 3; the
        // phone fetches and answers through node 2, where it was paired.
        let started = try await startSignIn(node1, apiKey: apiKey, user: "alice")
        let number = try #require(started.number)
        let pollURL = node3.url + "/v1/auth/\(started.transactionId)?wait=60"
        let longPoll = Task {
            let began = ContinuousClock.now
            let answer = try await NodeHTTP.send("GET", pollURL, apiKey: apiKey)
            return (answer, ContinuousClock.now - began)
        }
        try await Task.sleep(for: .milliseconds(300))
        let listened = try cluster.phone([
            "listen", "--phone", "alice", "--auto", "approve", "--number", String(number), "--once", "--timeout", "30",
        ])
        #expect(listened.status == 0, "\(listened.errors)")
        let (polled, waited) = try await longPoll.value
        #expect(polled.status == 200, "\(polled.text)")
        #expect(try NodeHTTP.transaction(polled).state == .approved)
        #expect(waited < .seconds(30), "the long-poll on node 3 slept through the answer given on node 2")

        // SMS: texted by node 1, accepted by node 2, refused as spent by node 3.
        _ = try cluster.pairPhone(node1, user: "bob", platform: "poll-only", phone: "+14155550123")
        let text = try await startSignIn(node1, apiKey: apiKey, user: "bob", method: "sms")
        let read = try cluster.phone(["sms", "--phone", "bob", "--number", "+14155550123", "--code-only"])
        let code = read.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code.count == 6, "\(read.output) \(read.errors)")
        let verify = try APIJSON.makeEncoder().encode(VerifyCodeRequest(code: code))
        let accepted = try await NodeHTTP.send(
            "POST", node2.url + "/v1/auth/\(text.transactionId)/verify", apiKey: apiKey, body: verify)
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(try NodeHTTP.transaction(accepted).state == .approved)
        let again = try await NodeHTTP.send(
            "POST", node3.url + "/v1/auth/\(text.transactionId)/verify", apiKey: apiKey, body: verify)
        #expect(again.status == 409, "\(again.text)")

        // Timeouts: three sweepers run; each timed-out sign-in gets one timeout row, not three.
        let carol = try cluster.pairPhone(node1, user: "carol", platform: "poll-only")
        _ = carol
        var timedOut: [String] = []
        for node in [node1, node2, node3, node1, node2] {
            timedOut.append(try await startSignIn(node, apiKey: apiKey, user: "carol", timeout: 5).transactionId)
        }
        try await Task.sleep(for: .seconds(7))
        let log = try cluster.admin(node2, ["log", "--user", "carol", "--format", "json", "--limit", "100"])
        let entries = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(log.output.utf8)).entries
        for id in timedOut {
            #expect(entries.filter { $0.transactionId == id }.map(\.outcome) == ["timeout"], "\(id)")
        }

        // A client key deleted on node 3 stops working on node 1, whose cache held it, at once.
        let otherKey = try cluster.apiKey(node3, client: "wiki")
        let before = try await NodeHTTP.send("GET", node1.url + "/v1/auth/\(text.transactionId)", apiKey: otherKey)
        #expect(before.status == 404, "\(before.text)")
        #expect(try cluster.admin(node3, ["client", "delete", "wiki"]).status == 0)
        let after = try await NodeHTTP.send("GET", node1.url + "/v1/auth/\(text.transactionId)", apiKey: otherKey)
        #expect(after.status == 401, "\(after.text)")

        // Re-activation on node 2: alice's phone is refused by every node from then on.
        var timestamp = Int64(Date().timeIntervalSince1970 * 1000)
        for node in cluster.nodes {
            timestamp += 1
            #expect(try await signedFetch(alice, at: node, timestamp: timestamp).status == 200)
        }
        let reactivated = try cluster.admin(node2, ["reactivate", "--provider", "local-dev", "--force", "--yes"])
        #expect(reactivated.status == 0, "\(reactivated.errors)")
        for node in cluster.nodes {
            timestamp += 1
            let refused = try await signedFetch(alice, at: node, timestamp: timestamp)
            #expect(refused.status == 403, "\(node.url): \(refused.text)")
            #expect(refused.text.contains("Authentication request is not for an activated account"))
        }
        // SMS keeps working after it, through any node.
        let afterText = try await startSignIn(node3, apiKey: apiKey, user: "bob", method: "sms")
        #expect(afterText.state == .pending)

        for node in cluster.nodes { #expect(try await node.terminate() == 0) }
    }

    @Test(
        "with sign-ins running, node 1 is killed: every sign-in accepted ends final, no push is lost, the others go on, and node 1 rejoins"
    )
    func aNodeDies() async throws {
        var cluster = try ClusterWorkspace(serverURL: try #require(ClusterWorkspace.databaseURL))
        defer { cluster.remove() }
        try await cluster.start(3, extra: ["--max-pending-pushes", "50", "--max-pushes-without-success", "1000"])
        let (node1, node2, node3) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        let apiKey = try cluster.apiKey(node3, client: "vpn")
        let users = ["dana", "eve", "finn"]
        for user in users { _ = try cluster.pairPhone(node2, user: user) }

        // Sign-ins on every node while node 1 is killed mid-stream.
        var accepted: [(String, ServerProcess)] = []
        var failedAfterKill = 0
        for round in 0..<20 {
            if round == 8 { node1.crash() }
            for (index, node) in [node1, node2, node3].enumerated() where !(node === node1 && round >= 8) {
                do {
                    let started = try await startSignIn(node, apiKey: apiKey, user: users[index], timeout: 5)
                    accepted.append((started.transactionId, node))
                } catch {
                    if node !== node1 { failedAfterKill += 1 }
                }
            }
        }
        #expect(failedAfterKill == 0, "the surviving nodes refused sign-ins after node 1 died")
        // Every sign-in accepted, on whichever node, ends final: nobody answers, so each times out
        // (node 1's too, swept by the others).
        try await Task.sleep(for: .seconds(7))
        for (id, _) in accepted {
            let read = try await NodeHTTP.send("GET", node2.url + "/v1/auth/\(id)", apiKey: apiKey)
            #expect(try NodeHTTP.transaction(read).state.isFinal, "\(id) did not end")
        }
        // No push accepted is lost: none is left queued or claimed once the leases (10 s) ran out.
        let deadline = ContinuousClock.now + .seconds(20)
        var outbox = try cluster.admin(node3, ["push", "status", "--format", "json"]).output
        while ContinuousClock.now < deadline {
            let view = try APIJSON.makeDecoder().decode(PushOutboxView.self, from: Data(outbox.utf8))
            if view.queued == 0 && view.sending == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
            outbox = try cluster.admin(node3, ["push", "status", "--format", "json"]).output
        }
        let view = try APIJSON.makeDecoder().decode(PushOutboxView.self, from: Data(outbox.utf8))
        #expect(view.queued == 0 && view.sending == 0, "\(outbox)")
        #expect(view.sent + view.cancelled + view.expired == accepted.count, "\(outbox)")

        // Node 1 starts again on its old port and serves as before.
        let restarted = try await cluster.startNode(1, of: 3, port: node1.port)
        let after = try await startSignIn(restarted, apiKey: apiKey, user: "dana")
        #expect(after.state == .pending)
        let status = try cluster.admin(restarted, ["status"])
        #expect(status.output.contains("  node1  live"), "\(status.output)")
        for node in [restarted, node2, node3] { #expect(try await node.terminate() == 0) }
    }

    @Test(
        "an unreachable database stops the start with a clear error; losing it while running answers 503, and the node recovers by itself"
    )
    func databaseOutage() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let key = ["COUNTERSIGN_MASTER_KEY": Data(repeating: 7, count: 32).base64EncodedString()]

        // Nothing listens on the port: the node says why and exits non-zero, serving nothing.
        let unreachable = try ServerProcess(
            dataDirectory: workspace.folder.appendingPathComponent("a"),
            extraArguments: [
                "--database", "postgres://cs:hunter2@127.0.0.1:\(try Executables.freePort())/db?sslmode=disable",
            ],
            environment: key)
        await unreachable.process.exited()
        #expect(unreachable.process.terminationStatus != 0)
        #expect(unreachable.log.contains("the database is unavailable"), "\(unreachable.log)")
        #expect(!unreachable.log.contains("hunter2"))
        #expect(!unreachable.log.contains("Countersign is listening"))

        let badURL = try Executables.run(
            "countersign",
            [
                "server", "--data", workspace.folder.appendingPathComponent("b").path,
                "--database", "postgres://localhost/db",
            ], environment: key)
        #expect(badURL.status != 0 && badURL.errors.contains("names no user"), "\(badURL.errors)")

        // A node on a database that then goes away, and comes back.
        let postgres = try PostgresProcess()
        // This one reads the URL from COUNTERSIGN_DATABASE_URL, as the README says it may.
        let node = try ServerProcess(
            dataDirectory: workspace.folder.appendingPathComponent("c"), extraArguments: [],
            environment: key.merging(["COUNTERSIGN_DATABASE_URL": postgres.url]) { $1 })
        try await node.waitUntilListening()
        #expect(node.log.contains("(database: postgres://countersign@127.0.0.1:"), "\(node.log)")
        #expect(try await NodeHTTP.send("GET", node.url + "/health").status == 200)
        try postgres.halt()
        let down = try await NodeHTTP.send("GET", node.url + "/health", timeout: 30)
        #expect(down.status == 503, "\(down.text)")
        #expect(down.text.contains("database_unavailable") && down.text.contains("the database is unavailable"))
        try postgres.resume()
        var healthy = false
        for _ in 0..<100 where !healthy {
            healthy = (try? await NodeHTTP.send("GET", node.url + "/health").status) == 200
            if !healthy { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(healthy, "the node did not recover after the database came back:\n\(node.log)")
        #expect(try await node.terminate() == 0)
    }

    @Test(
        "over TLS the node checks the database's certificate: it connects with sslrootcert, and without it says why not"
    )
    func tlsToTheDatabase() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let key = ["COUNTERSIGN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()]
        let postgres = try PostgresProcess(tls: true)
        let plain = postgres.url.replacingOccurrences(of: "?sslmode=disable", with: "")
        let byName = plain.replacingOccurrences(of: "@127.0.0.1:", with: "@localhost:")

        // The server's certificate is from a CA the system does not trust: refused, with the reason.
        let untrusted = try ServerProcess(
            dataDirectory: workspace.folder.appendingPathComponent("a"),
            extraArguments: ["--database", byName + "?sslmode=require"], environment: key)
        await untrusted.process.exited()
        #expect(untrusted.process.terminationStatus != 0)
        #expect(untrusted.log.contains("the database is unavailable"), "\(untrusted.log)")
        #expect(untrusted.log.lowercased().contains("certificate"), "\(untrusted.log)")

        // Trusting that CA, by host name, the node connects over TLS and serves.
        let node = try ServerProcess(
            dataDirectory: workspace.folder.appendingPathComponent("b"),
            extraArguments: ["--database", byName + "?sslmode=require&sslrootcert=\(postgres.caCertificate)"],
            environment: key)
        try await node.waitUntilListening()
        #expect(try await NodeHTTP.send("GET", node.url + "/health").status == 200)
        #expect(try await node.terminate() == 0)
    }
}
