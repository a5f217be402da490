import CountersignClient
import CountersignCore
import CountersignPhoneKit
import Crypto
import Foundation
import Testing

/// Push sign-in with real processes: `countersign server --dev` and its gateway emulator, the
/// operator's and the application's command line (`countersign auth`), and simulated phones.
@Suite("Push sign-in end to end with real processes", .serialized)
struct PushSignInEndToEndTests {
    let workspace: DevWorkspace

    init() throws {
        workspace = try DevWorkspace()
    }

    struct Started {
        let transactionId: String
        let number: Int
    }

    /// `countersign auth USER --no-wait`: the transaction and the number the sign-in screen shows.
    func startSignIn(_ server: ServerProcess, apiKey: String, user: String, extra: [String] = []) throws -> Started {
        let result = try workspace.admin(
            server, ["auth", user, "--no-wait", "--application", "VPN", "--client-ip", "198.51.100.4"] + extra,
            environment: ["COUNTERSIGN_API_KEY": apiKey])
        #expect(result.status == 0, "\(result.errors)")
        let fields = Dictionary(
            uniqueKeysWithValues: result.output.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return parts.count == 2 ? (parts[0], parts[1]) : nil
            })
        return Started(
            transactionId: try #require(fields["Transaction"]),
            number: try #require(fields["Number"].flatMap { Int($0) }))
    }

    func log(_ server: ServerProcess) throws -> [String: AuthLogEntry] {
        let result = try workspace.admin(server, ["log", "--format", "json"])
        let page = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(result.output.utf8))
        return Dictionary(page.entries.compactMap { entry in entry.transactionId.map { ($0, entry) } }) { $1 }
    }

    /// A signed answer made by hand from the phone's saved key, so it can be replayed or forged.
    func signedAnswer(
        _ account: PhoneAccount, transactionId: String, number: Int, key: P256.Signing.PrivateKey? = nil
    ) throws -> (path: String, body: Data, headers: [String: String]) {
        let path = "/v1/devices/\(account.deviceId)/challenges/\(transactionId)"
        let body = try APIJSON.makeEncoder().encode(ChallengeAnswer(decision: .approve, number: number))
        let timestamp = Int64(Date().timeIntervalSince1970 * 1000)
        let signature = try DeviceRequestSignature.sign(
            method: "POST", path: path, timestampMillis: timestamp, body: body, with: key ?? account.signingKey())
        return (
            path, body,
            [
                DeviceRequestSignature.timestampHeader: String(timestamp),
                DeviceRequestSignature.signatureHeader: signature,
            ]
        )
    }

    @Test("approve, wrong number, deny, timeout, replay, forgery, poll-only and fraud, each with its log row")
    func signIns() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer(extraArguments: ["--auth-timeout", "30"])
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        #expect(created.status == 0, "\(created.errors)")
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        let ann = try workspace.pairPhone(server, user: "ann", platform: "apns")
        let bob = try workspace.pairPhone(server, user: "bob", platform: "poll-only")

        // Approve with the right number: the push wakes the phone, which fetches and answers.
        let approved = try startSignIn(server, apiKey: apiKey, user: "ann")
        let listened = try workspace.phone([
            "listen", "--phone", "ann", "--auto", "approve", "--number", String(approved.number), "--once",
            "--timeout", "30",
        ])
        #expect(listened.status == 0, "\(listened.errors)")
        #expect(listened.output.contains("Application: VPN"), "\(listened.output)")
        #expect(listened.output.contains("From:        198.51.100.4"))
        #expect(listened.output.contains("the sign-in is approved"), "\(listened.output)")
        let inbox = try workspace.phone(["inbox", "--phone", "ann", "--wait", "10"])
        #expect(inbox.output.contains(approved.transactionId), "the push did not reach the phone: \(inbox.output)")

        // A wrong number is a denial.
        let wrong = try startSignIn(server, apiKey: apiKey, user: "ann")
        let wrongAnswer = try workspace.phone([
            "approve", wrong.transactionId, "--number", String(wrong.number == 99 ? 10 : wrong.number + 1), "--phone",
            "ann",
        ])
        #expect(wrongAnswer.output.contains("the sign-in is denied"), "\(wrongAnswer.output)\(wrongAnswer.errors)")

        // Deny.
        let denied = try startSignIn(server, apiKey: apiKey, user: "ann")
        #expect(try workspace.phone(["deny", denied.transactionId, "--phone", "ann"]).status == 0)

        // No answer: the blocking form returns timeout at the deadline and exits 1. Its output goes to
        // a file, and the number is there while it still waits, not only once it exits.
        // The deadline is far off: the whole suite runs beside this test on two cores.
        let waiting = try workspace.startAdmin(
            server, ["auth", "ann", "--timeout", "20"], environment: ["COUNTERSIGN_API_KEY": apiKey])
        let shownEarly = await waiting.waitForOutputWhileRunning(containing: "Number:", timeout: .seconds(15))
        #expect(shownEarly, "\(waiting.output)")
        await waiting.process.exited()
        let timedOut = try waiting.result()
        #expect(timedOut.status == 1)
        #expect(timedOut.output.contains("Result:      timeout"), "\(timedOut.output)\(timedOut.errors)")

        // A poll-only phone, and a replayed and a forged answer from it.
        let polled = try startSignIn(server, apiKey: apiKey, user: "bob")
        let http = JSONHTTPClient(baseURL: try #require(URL(string: server.url)), trust: server.trust)
        let forged = try signedAnswer(
            bob, transactionId: polled.transactionId, number: polled.number, key: P256.Signing.PrivateKey())
        #expect(
            try await http.send(method: "POST", path: forged.path, body: forged.body, headers: forged.headers).status
                == 401)
        let genuine = try signedAnswer(bob, transactionId: polled.transactionId, number: polled.number)
        let first = try await http.send(
            method: "POST", path: genuine.path, body: genuine.body, headers: genuine.headers)
        #expect(first.status == 200)
        let replayed = try await http.send(
            method: "POST", path: genuine.path, body: genuine.body, headers: genuine.headers)
        #expect(replayed.status == 401)
        #expect(JSONHTTPClient.failure(status: replayed.status, body: replayed.body).code == "replayed_request")

        let bobAgain = try startSignIn(server, apiKey: apiKey, user: "bob")
        let bobListen = try workspace.phone([
            "listen", "--phone", "bob", "--auto", "approve", "--number", String(bobAgain.number), "--once",
            "--timeout", "30",
        ])
        #expect(bobListen.output.contains("the sign-in is approved"), "\(bobListen.output)\(bobListen.errors)")

        // Fraud denies and blocks further pushes for the user.
        let fraud = try startSignIn(server, apiKey: apiKey, user: "ann")
        #expect(try workspace.phone(["deny", fraud.transactionId, "--fraud", "--phone", "ann"]).status == 0)
        let blocked = try workspace.admin(
            server, ["auth", "ann", "--no-wait"], environment: ["COUNTERSIGN_API_KEY": apiKey])
        #expect(blocked.status != 0)
        #expect(blocked.errors.contains("push is blocked"), "\(blocked.errors)")

        let rows = try log(server)
        let expected: [(Started, AuthLogResult, String, String?)] = [
            (approved, .success, "approved", nil),
            (wrong, .denied, "denied", "the number typed on the phone did not match the sign-in screen"),
            (denied, .denied, "denied", "denied on the phone"),
            (polled, .success, "approved", nil),
            (bobAgain, .success, "approved", nil),
            (fraud, .denied, "fraud", "reported as fraud on the phone"),
        ]
        for (started, result, outcome, reason) in expected {
            let row = try #require(rows[started.transactionId], "no log row for \(outcome)")
            #expect(row.result == result)
            #expect(row.outcome == outcome)
            #expect(row.reason == reason)
            #expect(row.clientIP == "198.51.100.4")
            #expect(row.serverName == "e2e")
        }
        #expect(rows[approved.transactionId]?.deviceToken == ann.pushToken)
        #expect(rows[polled.transactionId]?.deviceToken == bob.deviceId)
        let all = try workspace.admin(server, ["log", "--format", "json"]).output
        let page = try APIJSON.makeDecoder().decode(AuthLogPage.self, from: Data(all.utf8))
        #expect(
            page.entries.filter { $0.outcome == "timeout" && $0.reason == "no answer before the deadline" }.count == 1)
        #expect(page.entries.filter { $0.outcome == "refused" && $0.reason?.contains("blocked") == true }.count == 1)
        #expect(try await server.terminate() == 0)
    }

    @Test("the app's offline code signs in once through countersign auth --method totp")
    func offlineCode() async throws {
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let apiKey = try #require(
            try workspace.admin(server, ["client", "create", "vpn"]).output.split(separator: "\n").last?
                .trimmingCharacters(in: .whitespaces))
        _ = try workspace.pairPhone(server, user: "eve", platform: "poll-only")
        let shown = try workspace.phone(["code", "--phone", "eve"])
        let code = try #require(shown.output.split(separator: " ").first.map(String.init))

        let arguments = ["auth", "eve", "--method", "totp", "--code", code]
        let first = try workspace.admin(server, arguments, environment: ["COUNTERSIGN_API_KEY": apiKey])
        #expect(first.status == 0, "\(first.output)\(first.errors)")
        #expect(first.output.contains("Result:      approved"))
        let replayed = try workspace.admin(server, arguments, environment: ["COUNTERSIGN_API_KEY": apiKey])
        #expect(replayed.status == 1)
        #expect(replayed.output.contains("already used"), "\(replayed.output)")
        #expect(try await server.terminate() == 0)
    }
}
