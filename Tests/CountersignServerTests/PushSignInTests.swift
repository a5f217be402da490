import CountersignClient
import CountersignCore
import CountersignPhoneKit
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// Push sign-in over real HTTP: a relying party with its API key, the simulator's phone client
/// answering over the signed device API, and the auth log the server writes.
@Suite("Push sign-in over HTTP")
struct PushSignInTests {
    @Test("approving with the number on the sign-in screen gives approved, read by a waiting long-poll")
    func approve() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            #expect(started.state == .pending)
            let number = try #require(started.number)
            #expect((10...99).contains(number))

            async let waited = setup.outcome(started.transactionId, wait: 20)
            let details = try await setup.receivedDetails()
            #expect(details.transactionId == started.transactionId)
            #expect(details.application == "VPN")
            #expect(details.activationId == setup.account.activationId)
            let answer = try await setup.phone.answer(
                started.transactionId, for: setup.account, decision: .approve, number: number)
            #expect(answer.state == .approved)
            #expect(try await waited.state == .approved)

            let log = try await setup.log()
            #expect(log.count == 1)
            #expect(log.first?.result == .success)
            #expect(log.first?.outcome == "approved")
            #expect(log.first?.user == "alice")
            #expect(log.first?.firstName == "Alice")
            #expect(log.first?.mode == "push")
            #expect(log.first?.deviceToken == setup.account.deviceId)
            #expect(log.first?.serverName == "test")
            #expect(log.first?.transactionId == started.transactionId)
        }
    }

    @Test("a wrong number and a deny both give denied, each with its reason in the log")
    func denials() async throws {
        try await SignInSetup.run { setup in
            let wrong = try await setup.start()
            let wrongNumber = (try #require(wrong.number) - 10 + 1) % 90 + 10
            let answer = try await setup.phone.answer(
                wrong.transactionId, for: setup.account, decision: .approve, number: wrongNumber)
            #expect(answer.state == .denied)
            #expect(try await setup.outcome(wrong.transactionId).reason?.contains("did not match") == true)

            let denied = try await setup.start()
            _ = try await setup.phone.answer(denied.transactionId, for: setup.account, decision: .deny, number: nil)
            #expect(try await setup.outcome(denied.transactionId).state == .denied)

            let log = try await setup.log()
            #expect(log.map(\.result) == [.denied, .denied])
            #expect(log.map(\.outcome) == ["denied", "denied"])
            #expect(log[0].reason == "denied on the phone")
            #expect(log[1].reason?.contains("did not match") == true)
        }
    }

    @Test("the helpdesk sees a fraud report's push block in the user's record and lifts it with unlock")
    func fraudBlockShownAndLifted() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            _ = try await setup.phone.answer(started.transactionId, for: setup.account, decision: .fraud, number: nil)
            let shown = try await setup.admin.request("GET", "/v1/users/alice", as: UserView.self)
            // The API gives whole seconds.
            let until = try #require(shown.pushBlockedUntil)
            #expect(abs(until.timeIntervalSince(setup.server.clock.now()) - 3600) <= 1)
            let unlocked = try await setup.admin.request("POST", "/v1/users/alice/unlock", as: UserView.self)
            #expect(unlocked.pushBlockedUntil == nil)
            #expect(try await setup.start().state == .pending)
        }
    }

    @Test("a code lock or push block that has ended is not shown")
    func endedBlocksHidden() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            _ = try await setup.phone.answer(started.transactionId, for: setup.account, decision: .fraud, number: nil)
            // A second past the block's end (it is stored to the millisecond).
            setup.server.clock.advance(by: 3601)
            let shown = try await setup.admin.request("GET", "/v1/users/alice", as: UserView.self)
            #expect(shown.pushBlockedUntil == nil && shown.lockedUntil == nil)
        }
    }

    @Test("a fraud report denies and blocks push for the user, and the refusal is logged")
    func fraud() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            _ = try await setup.phone.answer(started.transactionId, for: setup.account, decision: .fraud, number: nil)
            #expect(try await setup.outcome(started.transactionId).state == .fraud)

            let blocked = await #expect(throws: ClientError.self) { try await setup.start() }
            #expect(blocked?.code == "push_blocked")
            let log = try await setup.log()
            #expect(log.map(\.outcome) == ["refused", "fraud"])
            #expect(log.allSatisfy { $0.result == .denied })
            #expect(log[0].reason?.contains("reported as fraud") == true)

            // The block lifts after the configured time (an hour by default).
            setup.server.clock.advance(by: 3601)
            #expect(try await setup.start().state == .pending)
        }
    }

    @Test("nobody answering gives timeout at the deadline; a late answer is refused")
    func timeout() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start(AuthRequest(user: "alice", timeoutSeconds: 30))
            #expect(started.deadline.timeIntervalSince(started.createdAt) == 30)
            setup.server.clock.advance(by: 31)
            let outcome = try await setup.outcome(started.transactionId, wait: 5)
            #expect(outcome.state == .timeout)

            let late = await #expect(throws: ClientError.self) {
                try await setup.phone.answer(started.transactionId, for: setup.account, decision: .approve, number: 10)
            }
            #expect(late?.code == "challenge_expired")
            let log = try await setup.log()
            #expect(log.count == 1)
            #expect(log.first?.outcome == "timeout")
            #expect(log.first?.reason == "no answer before the deadline")
        }
    }

    /// The phone's approval of `started` with the right number, signed by `key`.
    func approval(
        of started: AuthTransaction, _ setup: SignInSetup, signedBy key: P256.Signing.PrivateKey, at date: Date? = nil
    ) throws -> SignedRequest {
        try SignedRequest(
            method: "POST", path: "/v1/devices/\(setup.account.deviceId)/challenges/\(started.transactionId)",
            body: try APIJSON.makeEncoder().encode(ChallengeAnswer(decision: .approve, number: started.number)),
            signedBy: key, at: date ?? setup.server.clock.now())
    }

    @Test("a replayed answer, a forged one and a second answer are refused; only the first counts")
    func replayAndForgery() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            let raw = JSONHTTPClient(baseURL: setup.api.baseURL)

            let forged = try approval(of: started, setup, signedBy: P256.Signing.PrivateKey())
            let forgedAnswer = try await forged.send(to: raw)
            #expect(forgedAnswer.status == 401)
            #expect(try await setup.outcome(started.transactionId).state == .pending)

            let genuine = try approval(
                of: started, setup, signedBy: try setup.account.signingKey(),
                at: setup.server.clock.now().addingTimeInterval(1))
            #expect(try await genuine.send(to: raw).status == 200)
            let replayed = try await genuine.send(to: raw)
            #expect(replayed.status == 401)
            #expect(replayed.error?.error.code == "replayed_request")

            // A later, correctly signed second answer is refused for what it is: too late.
            setup.server.clock.advance(by: 2)
            let second = await #expect(throws: ClientError.self) {
                try await setup.phone.answer(started.transactionId, for: setup.account, decision: .deny, number: nil)
            }
            #expect(second?.code == "challenge_answered")
            #expect(try await setup.outcome(started.transactionId).state == .approved)
            #expect(try await setup.log().count == 1)
        }
    }

    @Test(
        "a phone removed after its challenge started cannot answer it, though its key is at hand; a forgery is still refused"
    )
    func removedPhone() async throws {
        try await SignInSetup.run { setup in
            // Starting the sign-in puts the phone's public key in the server's cache.
            let started = try await setup.start()
            let forged = try approval(of: started, setup, signedBy: P256.Signing.PrivateKey())
            #expect(try await forged.send(to: JSONHTTPClient(baseURL: setup.api.baseURL)).status == 401)

            try await setup.admin.requestWithoutAnswer("DELETE", "/v1/devices/\(setup.account.deviceId)")
            let refused = await #expect(throws: (any Error).self) {
                try await setup.phone.answer(
                    started.transactionId, for: setup.account, decision: .approve, number: started.number)
            }
            #expect(
                "\(refused.map { "\($0)" } ?? "")".contains("Authentication request is not for an activated account"))
            #expect(try await setup.outcome(started.transactionId).state != .approved)
        }
    }

    @Test("push fatigue: at most 3 pending, at most 10 in 10 minutes without an approval")
    func fatigue() async throws {
        try await SignInSetup.run { setup in
            for _ in 0..<3 { _ = try await setup.start() }
            let fourth = await #expect(throws: ClientError.self) { try await setup.start() }
            #expect(fourth?.code == "too_many_pending")
            #expect(fourth?.status == 429)

            // Let them time out, then keep asking: the 11th push in the window is refused.
            for _ in 0..<2 {
                setup.server.clock.advance(by: 61)
                for _ in 0..<3 { _ = try await setup.start() }
            }
            setup.server.clock.advance(by: 61)
            _ = try await setup.start()
            setup.server.clock.advance(by: 61)
            let eleventh = await #expect(throws: ClientError.self) { try await setup.start() }
            #expect(eleventh?.code == "push_limit")

            let log = try await setup.log()
            #expect(log.filter { $0.outcome == "refused" }.count == 2)
        }
    }

    @Test("a push phone's push, queued in the same transaction, carries the challenge sealed for that phone alone")
    func pushQueued() async throws {
        try await SignInSetup.run(platform: .apns) { setup in
            let started = try await setup.start(
                AuthRequest(user: "alice", context: AuthContext(application: "Payroll VPN", clientIP: "198.51.100.7")))
            let payload = try await setup.server.pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT payload FROM push_outbox WHERE collapse_id = ?",
                    arguments: [started.transactionId])
            }
            let stored = try #require(payload)
            let push = try #require(ChallengePushData(notificationPayload: #"{"countersign":\#(stored)}"#))
            #expect(push.transactionId == started.transactionId)
            #expect(setup.account.owns(push))
            // Nothing the push service could read says who signs in to what, from where.
            for secret in ["alice", "Payroll", "198.51.100.7"] { #expect(!stored.contains(secret)) }

            // The phone opens it with the key it got at pairing and checks the activation's signature.
            guard case .genuine(let details) = setup.account.openSealedChallenge(in: push) else {
                Issue.record("the sealed challenge did not open as genuine")
                return
            }
            #expect(details.transactionId == started.transactionId)
            #expect(details.application == "Payroll VPN")
            #expect(details.clientIP == "198.51.100.7")
            // Without the push key (a phone paired before push keys), it is fetched instead.
            var withoutKey = setup.account
            withoutKey.pushKey = nil
            #expect(withoutKey.openSealedChallenge(in: push) == nil)

            // Answering cancels what is still queued: the phone need not be woken any more.
            _ = try await setup.phone.answer(started.transactionId, for: setup.account, decision: .deny, number: nil)
            #expect(try await setup.server.store.pushOutboxCounts().cancelled == 1)
        }
    }

    @Test("the auth API takes only client keys, and a client sees only its own transactions")
    func clientKeys() async throws {
        try await SignInSetup.run { setup in
            let started = try await setup.start()
            let asAdmin = await #expect(throws: ClientError.self) {
                try await setup.admin.request(
                    "POST", "/v1/auth", body: AuthRequest(user: "alice"), as: AuthTransaction.self)
            }
            #expect(asAdmin?.status == 401)

            let other = try await setup.admin.request(
                "POST", "/v1/clients", body: CreateClientRequest(name: "web"), as: CreatedClient.self)
            let otherAPI = JSONHTTPClient(
                baseURL: setup.api.baseURL, defaultHeaders: ["Authorization": "Bearer \(other.apiKey)"])
            let foreign = await #expect(throws: ClientError.self) {
                try await otherAPI.request("GET", "/v1/auth/\(started.transactionId)", as: AuthTransaction.self)
            }
            #expect(foreign?.status == 404)

            try await setup.admin.requestWithoutAnswer("DELETE", "/v1/clients/web")
            let revoked = await #expect(throws: ClientError.self) {
                try await otherAPI.request(
                    "POST", "/v1/auth", body: AuthRequest(user: "alice"), as: AuthTransaction.self)
            }
            #expect(revoked?.status == 401)
        }
    }

    @Test("bad requests are refused with the reason, and an unknown user is logged as refused")
    func badRequests() async throws {
        try await SignInSetup.run { setup in
            for (request, code) in [
                (AuthRequest(user: "alice", timeoutSeconds: 601), "invalid_request"),
                (AuthRequest(user: "alice", context: AuthContext(clientIP: "not an ip")), "invalid_request"),
                (AuthRequest(user: "alice", context: AuthContext(clientIP: "1.2.3.4.5")), "invalid_request"),
                (AuthRequest(user: "alice", context: AuthContext(clientIP: ":::")), "invalid_request"),
                (
                    AuthRequest(user: "alice", context: AuthContext(application: "Pay\u{202E}lloryaP")),
                    "invalid_request"
                ),
                (AuthRequest(user: "alice", context: AuthContext(application: "VPN\u{200B}")), "invalid_request"),
                (AuthRequest(user: "bad name!"), "invalid_request"),
                (AuthRequest(user: "nobody"), "unknown_user"),
            ] {
                let error = await #expect(throws: ClientError.self) { try await setup.start(request) }
                #expect(error?.code == code)
            }
            let log = try await setup.log()
            #expect(log.count == 1)
            #expect(log.first?.user == "nobody")
            #expect(log.first?.outcome == "refused")
        }
    }
}
