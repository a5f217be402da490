import CountersignClient
import CountersignCore
import CountersignRADIUS
import Foundation
import Testing

/// The RADIUS front end with real processes: `countersign server --dev --radius`, the gateway
/// emulator, `countersign-phone`, FreeRADIUS's `radclient` as the VPN and a real FreeRADIUS as the
/// first-factor server.
@Suite("RADIUS end to end with radclient and FreeRADIUS", .serialized)
struct RadiusEndToEndTests {
    let workspace: DevWorkspace
    let secret = "vpn-shared-secret-0123"

    init() throws { workspace = try DevWorkspace() }

    func startServer(_ extra: [String] = []) async throws -> (ServerProcess, Radclient) {
        let port = try Executables.freePort(udp: true)
        let server = try await workspace.startServer(extraArguments: ["--radius", "127.0.0.1:\(port)"] + extra)
        let deadline = ContinuousClock.now + .seconds(10)
        while !server.log.contains("RADIUS is listening on udp 127.0.0.1:\(port)"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.log.contains("RADIUS is listening"), "\(server.log)")
        return (server, Radclient(port: port, secret: secret, folder: workspace.folder))
    }

    func addClient(_ server: ServerProcess, _ arguments: [String]) throws {
        let added = try workspace.admin(
            server, ["radius-client", "add", "vpn", "--address", "127.0.0.1", "--secret", secret] + arguments)
        #expect(added.status == 0, "\(added.errors)")
    }

    func setClient(_ server: ServerProcess, _ arguments: [String]) throws {
        let changed = try workspace.admin(server, ["radius-client", "set", "vpn"] + arguments)
        #expect(changed.status == 0, "\(changed.errors)")
    }

    /// The sign-ins the auth log holds for `user`, newest first.
    func logEntries(_ server: ServerProcess, user: String) throws -> [AuthLogEntry] {
        let result = try workspace.admin(server, ["log", "--format", "json", "--user", user])
        return try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(result.output.utf8)).entries
    }

    func approveOnPhone(_ user: String, number: Int? = nil, decision: String = "approve") throws -> Executables.Result {
        try workspace.phone(
            ["listen", "--phone", user, "--auto", decision, "--once", "--timeout", "20"]
                + (number.map { ["--number", String($0)] } ?? []))
    }

    func shownNumber(_ reply: Radclient.Reply) throws -> Int {
        let message = try #require(reply.replyMessage, "\(reply.output)")
        let words = message.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        return try #require(words.compactMap { Int($0) }.first, "no number in '\(message)'")
    }

    @Test("push mode: approve accepts, deny and timeout reject, a retransmit starts no second push")
    func pushMode() async throws {
        defer { workspace.remove() }
        let (server, radclient) = try await startServer()
        try addClient(server, ["--mode", "push", "--timeout", "10"])
        _ = try workspace.pairPhone(server, user: "ann", platform: "apns")

        // The VPN waits while the phone is asked; no number, since the VPN cannot show one.
        let waiting = try radclient.start(["User-Name = \"ann\"", "User-Password = \"whatever\""])
        let approved = try approveOnPhone("ann")
        #expect(approved.output.contains("the sign-in is approved"), "\(approved.output)\(approved.errors)")
        await waiting.process.exited()
        let accepted = Radclient.reply(try waiting.result())
        #expect(accepted.code == "Access-Accept", "\(accepted.output)")
        #expect(accepted.attributes["Message-Authenticator"] != nil, "replies always carry one: \(accepted.output)")

        let denying = try radclient.start(
            ["User-Name = \"ann\"", "User-Password = \"x\"", "Calling-Station-Id = \"198.51.100.7\""])
        #expect(try approveOnPhone("ann", decision: "deny").status == 0)
        await denying.process.exited()
        let denied = Radclient.reply(try denying.result())
        #expect(denied.code == "Access-Reject" && denied.replyMessage == "Denied on the phone.", "\(denied.output)")
        let deniedRow = try #require(try logEntries(server, user: "ann").first)
        #expect(deniedRow.clientIP == "198.51.100.7" && deniedRow.outcome == "denied", "\(deniedRow)")
        #expect(deniedRow.client == "radius:vpn" && deniedRow.application == "vpn", "\(deniedRow)")

        // radclient sends the same packet again every 2 s while nobody answers (RFC 5080): one
        // sign-in, one push, and the VPN is answered before its own 10 s run out.
        let before = try logEntries(server, user: "ann").count
        let started = ContinuousClock.now
        let retrying = try radclient.send(
            ["User-Name = \"ann\"", "User-Password = \"x\""], timeout: 2, retries: 5)
        #expect(retrying.code == "Access-Reject", "\(retrying.output)")
        #expect(retrying.replyMessage == "No answer came from the phone in time.", "\(retrying.output)")
        #expect(ContinuousClock.now - started < .seconds(10))
        let sent = retrying.output.components(separatedBy: "Sent Access-Request").count - 1
        #expect(sent >= 3, "radclient should have retransmitted: \(retrying.output)")
        let entries = try logEntries(server, user: "ann")
        #expect(entries.count == before + 1, "\(entries)")
        #expect(entries.first?.application == "vpn" && entries.first?.outcome == "timeout", "\(entries)")
        let inbox = try workspace.phone(["inbox", "--phone", "ann"])
        let pushes = inbox.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(pushes.count == 3, "three sign-ins, three pushes: \(inbox.output)")
    }

    @Test("challenge mode: the number shown must be typed on the phone; codes once; wrong codes rejected")
    func challengeMode() async throws {
        defer { workspace.remove() }
        // Pushes asked for in a challenge keep the server's timeout: 5 s here, to see one run out.
        let (server, radclient) = try await startServer(["--auth-timeout", "5"])
        try addClient(server, [])
        _ = try workspace.pairPhone(server, user: "bob", platform: "apns")

        // Round 1 asks for the second factor; round 2 asks for push and shows the number.
        let asked = try radclient.send(["User-Name = \"bob\"", "User-Password = \"pw\""])
        #expect(asked.code == "Access-Challenge", "\(asked.output)")
        #expect(asked.replyMessage?.contains("type push") == true, "\(asked.output)")
        let state = try #require(asked.state)
        let pushed = try radclient.send(["User-Name = \"bob\"", "User-Password = \"push\"", "State = \(state)"])
        #expect(pushed.code == "Access-Challenge", "\(pushed.output)")
        let number = try shownNumber(pushed)
        #expect(try approveOnPhone("bob", number: number).output.contains("approved"))
        let done = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"ok\"", "State = \(try #require(pushed.state))"])
        #expect(done.code == "Access-Accept", "\(done.output)")
        // A State works once.
        let again = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"ok\"", "State = \(try #require(pushed.state))"])
        #expect(again.code == "Access-Reject", "\(again.output)")

        // The wrong number typed on the phone is a denial.
        let second = try radclient.send(["User-Name = \"bob\"", "User-Password = \"pw\""])
        let pushedAgain = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"push\"", "State = \(try #require(second.state))"])
        let wrongNumber = try shownNumber(pushedAgain) == 99 ? 10 : try shownNumber(pushedAgain) + 1
        _ = try approveOnPhone("bob", number: wrongNumber)
        let refused = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"ok\"", "State = \(try #require(pushedAgain.state))"])
        #expect(refused.code == "Access-Reject", "\(refused.output)")

        // Denied on the phone, or not answered before the push's deadline: Reject either way.
        func pushRound() throws -> (number: Int, state: String) {
            let first = try radclient.send(["User-Name = \"bob\"", "User-Password = \"pw\""])
            let pushed = try radclient.send(
                ["User-Name = \"bob\"", "User-Password = \"push\"", "State = \(try #require(first.state))"])
            return (try shownNumber(pushed), try #require(pushed.state))
        }
        let toDeny = try pushRound()
        #expect(try approveOnPhone("bob", decision: "deny").status == 0)
        let deniedReply = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"ok\"", "State = \(toDeny.state)"])
        #expect(deniedReply.code == "Access-Reject" && deniedReply.replyMessage == "Denied on the phone.")
        let unanswered = try pushRound()
        let timedOut = try radclient.send(
            ["User-Name = \"bob\"", "User-Password = \"ok\"", "State = \(unanswered.state)"])
        #expect(timedOut.code == "Access-Reject", "\(timedOut.output)")
        #expect(timedOut.replyMessage == "No answer came from the phone in time.", "\(timedOut.output)")

        // The app's offline code works once; a wrong code is refused.
        let code = try #require(
            try workspace.phone(["code", "--phone", "bob"]).output.split(separator: " ").first.map(String.init))
        func answer(_ typed: String) throws -> Radclient.Reply {
            let first = try radclient.send(["User-Name = \"bob\"", "User-Password = \"pw\""])
            return try radclient.send(
                ["User-Name = \"bob\"", "User-Password = \"\(typed)\"", "State = \(try #require(first.state))"])
        }
        #expect(try answer(code).code == "Access-Accept")
        #expect(try answer(code).code == "Access-Reject", "a code works once")
        let wrong = String(format: "%06d", (Int(code) ?? 0 + 1) % 1_000_000)
        #expect(try answer(wrong == code ? "000000" : wrong).code == "Access-Reject")
        #expect(try answer("neither").replyMessage?.contains("Answer with a code") == true)

        // sms: the code is texted on the challenge and checked in the next round, once.
        #expect(try workspace.admin(server, ["user", "add", "eve", "--phone", "+14155550123"]).status == 0)
        let first = try radclient.send(["User-Name = \"eve\"", "User-Password = \"pw\""])
        let texted = try radclient.send(
            ["User-Name = \"eve\"", "User-Password = \"sms\"", "State = \(try #require(first.state))"])
        #expect(
            texted.code == "Access-Challenge" && texted.replyMessage?.contains("texted") == true, "\(texted.output)")
        let sms = try workspace.phone([
            "sms", "--phone", "eve", "--number", "+14155550123", "--wait", "10", "--code-only",
        ])
        let smsCode = sms.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(smsCode.count == 6, "\(sms.output)\(sms.errors)")
        let smsState = try #require(texted.state)
        let smsAccepted = try radclient.send(
            ["User-Name = \"eve\"", "User-Password = \"\(smsCode)\"", "State = \(smsState)"])
        #expect(smsAccepted.code == "Access-Accept", "\(smsAccepted.output)")
    }

    @Test(
        "append mode, and FreeRADIUS as the first factor: a wrong password sends no push, its attributes reach the Accept"
    )
    func appendModeWithUpstreamFirstFactor() async throws {
        defer { workspace.remove() }
        let (server, radclient) = try await startServer()
        let upstream = try await FreeRadiusServer(
            secret: "upstream-secret-0123456789",
            users: """
                carol Cleartext-Password := "right-password"
                    Class = "staff", Filter-Id = "vpn-users"

                """)
        defer { upstream.stop() }
        try addClient(
            server,
            [
                "--mode", "append", "--first-factor", "radius", "--upstream", "127.0.0.1:\(upstream.port)",
                "--upstream-secret", upstream.secret, "--upstream-timeout", "3", "--timeout", "15",
            ])
        _ = try workspace.pairPhone(server, user: "carol", platform: "apns")

        let noDelimiter = try radclient.send(["User-Name = \"carol\"", "User-Password = \"right-password\""])
        #expect(noDelimiter.code == "Access-Reject", "\(noDelimiter.output)")
        #expect(noDelimiter.replyMessage?.contains(",push") == true, "\(noDelimiter.output)")

        let wrongPassword = try radclient.send(["User-Name = \"carol\"", "User-Password = \"wrong,push\""])
        #expect(wrongPassword.code == "Access-Reject", "\(wrongPassword.output)")
        #expect(try logEntries(server, user: "carol").isEmpty, "no sign-in starts when the password is wrong")

        let waiting = try radclient.start(["User-Name = \"carol\"", "User-Password = \"right-password,push\""])
        #expect(try approveOnPhone("carol").output.contains("approved"))
        await waiting.process.exited()
        let accepted = Radclient.reply(try waiting.result())
        #expect(accepted.code == "Access-Accept", "\(accepted.output)")
        #expect(accepted.attributes["Filter-Id"] == "vpn-users", "\(accepted.output)")
        #expect(
            accepted.attributes["Class"] == "0x7374616666", "Class 'staff' as radclient prints it: \(accepted.output)")

        // Denied on the phone: Reject, and the first factor's attributes go nowhere.
        let denying = try radclient.start(["User-Name = \"carol\"", "User-Password = \"right-password,push\""])
        #expect(try approveOnPhone("carol", decision: "deny").status == 0)
        await denying.process.exited()
        let denied = Radclient.reply(try denying.result())
        #expect(denied.code == "Access-Reject" && denied.attributes["Filter-Id"] == nil, "\(denied.output)")

        // The same client in push mode, with the password checked upstream first.
        try setClient(server, ["--mode", "push"])
        let pushWaiting = try radclient.start(["User-Name = \"carol\"", "User-Password = \"right-password\""])
        #expect(try approveOnPhone("carol").output.contains("approved"))
        await pushWaiting.process.exited()
        #expect(Radclient.reply(try pushWaiting.result()).attributes["Filter-Id"] == "vpn-users")

        let shown = try workspace.admin(server, ["radius-client", "show", "vpn", "--format", "json"])
        #expect(shown.output.contains("\"mode\" : \"push\""), "\(shown.output)")
        #expect(!shown.output.contains(secret) && !shown.output.contains(upstream.secret), "secrets never go out")
    }

    /// pyrad from PyPI, in the venv the test command makes: a client independent of ours and of
    /// FreeRADIUS's, asked to insist on a valid Message-Authenticator in every reply.
    static let pyradClient = """
        import io, sys
        import pyrad.packet
        from pyrad.client import Client
        from pyrad.dictionary import Dictionary
        DICTIONARY = "ATTRIBUTE User-Name 1 string\\nATTRIBUTE User-Password 2 string\\nATTRIBUTE Reply-Message 18 string\\nATTRIBUTE State 24 octets\\nATTRIBUTE Message-Authenticator 80 octets\\n"
        port, secret, user, password = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], sys.argv[4]
        client = Client(server="127.0.0.1", authport=port, secret=secret, dict=Dictionary(io.StringIO(DICTIONARY)), enforce_ma=True)
        client.timeout, client.retries = 10, 1
        request = client.CreateAuthPacket(code=pyrad.packet.AccessRequest, User_Name=user)
        request["User-Password"] = request.PwCrypt(password)
        reply = client.SendPacket(request)
        print({2: "Access-Accept", 3: "Access-Reject", 11: "Access-Challenge"}.get(reply.code, str(reply.code)))
        valid = reply.verify_message_authenticator(original_authenticator=request.authenticator, original_code=request.code)
        print("message-authenticator", "valid" if valid else "invalid")

        """

    @Test("pyrad, with Message-Authenticator enforced: a right code is accepted once, the replies are signed")
    func pyrad() async throws {
        defer { workspace.remove() }
        let python =
            ProcessInfo.processInfo.environment["COUNTERSIGN_PYTHON"]
            ?? Executables.directory.appendingPathComponent("../../python/bin/python").standardized.path
        #expect(FileManager.default.isExecutableFile(atPath: python), "run ./scripts/test.sh: it makes the venv")
        let (server, radclient) = try await startServer()
        try addClient(server, ["--mode", "append"])
        _ = try workspace.pairPhone(server, user: "gus", platform: "apns")
        let script = workspace.folder.appendingPathComponent("pyrad_client.py")
        try Self.pyradClient.write(to: script, atomically: true, encoding: .utf8)
        let code = try #require(
            try workspace.phone(["code", "--phone", "gus"]).output.split(separator: " ").first.map(String.init))
        func send(_ password: String) throws -> Executables.Result {
            try Executables.run(python, [script.path, String(radclient.port), secret, "gus", password])
        }
        let accepted = try send("pw,\(code)")
        #expect(
            accepted.output == "Access-Accept\nmessage-authenticator valid\n", "\(accepted.output)\(accepted.errors)")
        let replayed = try send("pw,\(code)")
        #expect(
            replayed.output == "Access-Reject\nmessage-authenticator valid\n", "\(replayed.output)\(replayed.errors)")
    }

    @Test("RadSec: radsecproxy forwards a NAS's requests over TLS with a client certificate, and push approves")
    func radsec() async throws {
        defer { workspace.remove() }
        let certificates = workspace.folder.appendingPathComponent("tls")
        try RadSecProxy.makeCertificates(in: certificates)
        let radsecPort = try Executables.freePort()
        let server = try await workspace.startServer(extraArguments: [
            "--radsec", "127.0.0.1:\(radsecPort)", "--radsec-cert",
            certificates.appendingPathComponent("server.pem").path,
            "--radsec-key", certificates.appendingPathComponent("server.key").path, "--radsec-ca",
            certificates.appendingPathComponent("ca.pem").path,
        ])
        let deadline = ContinuousClock.now + .seconds(10)
        while !server.log.contains("RadSec is listening"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.log.contains("RadSec is listening on tcp 127.0.0.1:\(radsecPort)"), "\(server.log)")
        try addClient(server, ["--mode", "append", "--timeout", "15"])
        _ = try workspace.pairPhone(server, user: "fay", platform: "apns")
        // A TLS client without a certificate from the CA is refused in the handshake.
        let tlsArguments = [
            "s_client", "-connect", "127.0.0.1:\(radsecPort)", "-tls1_2", "-CAfile",
            certificates.appendingPathComponent("ca.pem").path,
        ]
        let withoutCertificate = try Executables.run("/usr/bin/openssl", tlsArguments)
        #expect(withoutCertificate.status != 0)
        #expect(withoutCertificate.errors.contains("handshake failure"), "\(withoutCertificate.errors)")
        let withCertificate = try Executables.run(
            "/usr/bin/openssl",
            tlsArguments + [
                "-cert", certificates.appendingPathComponent("client.pem").path, "-key",
                certificates.appendingPathComponent("client.key").path,
            ])
        #expect(withCertificate.status == 0, "\(withCertificate.errors)")
        let proxy = try await RadSecProxy(
            folder: certificates, radsecPort: radsecPort, secret: "nas-to-proxy-secret-01")
        defer { proxy.stop() }
        let nas = Radclient(port: proxy.udpPort, secret: "nas-to-proxy-secret-01", folder: workspace.folder)

        let waiting = try nas.start(["User-Name = \"fay\"", "User-Password = \"pw,push\""])
        #expect(try approveOnPhone("fay").output.contains("approved"))
        await waiting.process.exited()
        let accepted = Radclient.reply(try waiting.result())
        #expect(accepted.code == "Access-Accept", "\(accepted.output)")
        let refused = try nas.send(["User-Name = \"fay\"", "User-Password = \"pw,000000\""])
        #expect(refused.code == "Access-Reject", "\(refused.output)")
        #expect(try logEntries(server, user: "fay").count == 2)
    }

    @Test(
        "bad packets are dropped and counted: no Message-Authenticator, a wrong secret, 1,000 random and mutated ones")
    func badPackets() async throws {
        defer { workspace.remove() }
        let (server, radclient) = try await startServer()
        try addClient(server, ["--mode", "push", "--timeout", "10"])
        _ = try workspace.pairPhone(server, user: "dan", platform: "apns")

        let unsigned = try radclient.send(
            ["User-Name = \"dan\"", "User-Password = \"x\""], messageAuthenticator: false, timeout: 1)
        #expect(unsigned.code == nil, "a request without Message-Authenticator must be dropped: \(unsigned.output)")
        let wrongSecret = try Radclient(port: radclient.port, secret: "not-the-secret-at-all", folder: workspace.folder)
            .send(["User-Name = \"dan\"", "User-Password = \"x\""], timeout: 1)
        #expect(wrongSecret.code == nil, "\(wrongSecret.output)")
        let probe = try UDPProbe(port: radclient.port)
        let statusServer = try RadiusSignature.signedRequest(
            RadiusPacket(
                code: .statusServer, identifier: 1, authenticator: (0..<16).map { _ in .random(in: 0...255) },
                attributes: []), secret: Array(secret.utf8))
        probe.send(statusServer)
        #expect(probe.receive(timeout: 3).map { $0.first } == RadiusCode.accessAccept.rawValue, "Status-Server")

        var generator = SystemRandomNumberGenerator()
        let authenticator: [UInt8] = (0..<16).map { _ in .random(in: 0...255) }
        let hidden = RadiusSignature.hidePassword(
            Array("x".utf8), authenticator: authenticator, secret: Array(secret.utf8))
        let request = try RadiusSignature.signedRequest(
            RadiusPacket(
                code: .accessRequest, identifier: 9, authenticator: authenticator,
                attributes: [RadiusAttribute(.userName, text: "dan"), RadiusAttribute(.userPassword, hidden)]),
            secret: Array(secret.utf8))
        for round in 0..<1000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    .random(in: 0...255, using: &generator)
                }
                if round % 4 == 0, bytes.count >= 4 { bytes[0] = 1 }
            } else {
                bytes = request
                // Each mutation changes the byte it hits (x ^ 0 would leave the signed packet whole).
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= .random(in: 1...255, using: &generator)
                }
            }
            probe.send(bytes)
        }
        #expect(probe.receive(timeout: 1) == nil, "nothing mutated or random is answered")
        probe.send(statusServer.enumerated().map { $0.offset == 1 ? 2 : $0.element })
        #expect(probe.receive(timeout: 1) == nil, "a changed identifier breaks the Message-Authenticator")
        let fresh = try RadiusSignature.signedRequest(
            RadiusPacket(
                code: .statusServer, identifier: 3, authenticator: (0..<16).map { _ in .random(in: 0...255) },
                attributes: []), secret: Array(secret.utf8))
        probe.send(fresh)
        #expect(probe.receive(timeout: 3) != nil, "the server still answers after the fuzzing")
        #expect(server.process.isRunning)
        #expect(try logEntries(server, user: "dan").isEmpty, "nothing was stored")

        let metrics = try await JSONHTTPClient(baseURL: try #require(URL(string: server.url)), trust: server.trust)
            .send(method: "GET", path: "/metrics", body: nil, headers: [:])
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("countersign_radius_dropped_total{reason=\"missing_message_authenticator\"}"), "\(text)")
        #expect(text.contains("countersign_radius_dropped_total{reason=\"bad_message_authenticator\"}"))
        #expect(text.contains("countersign_radius_dropped_total{reason=\"malformed\"}"))

        // --message-authenticator check answers an old NAS that sends none; --delimiter splits there.
        try setClient(server, ["--mode", "append", "--delimiter", "|", "--message-authenticator", "check"])
        let old = try radclient.send(
            ["User-Name = \"dan\"", "User-Password = \"x|000000\""], messageAuthenticator: false, timeout: 3)
        #expect(old.code == "Access-Reject" && old.replyMessage?.contains("wrong") == true, "\(old.output)")
        let listed = try workspace.admin(server, ["radius-client", "list"])
        #expect(listed.output.contains("vpn") && listed.output.contains("append"), "\(listed.output)")
        #expect(listed.output.contains("check"), "\(listed.output)")
        #expect(try workspace.admin(server, ["radius-client", "delete", "vpn"]).status == 0)
        let afterDelete = try radclient.send(["User-Name = \"dan\"", "User-Password = \"x|000000\""], timeout: 1)
        #expect(afterDelete.code == nil, "a deleted client is not answered: \(afterDelete.output)")
    }
}
