import CountersignClient
import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// Sign-in with the authenticator app's offline code: accepted once, wrong codes lock the user.
@Suite("Code sign-in over HTTP")
struct CodeSignInTests {
    func totp(_ code: String, from address: String? = nil) -> AuthRequest {
        AuthRequest(
            user: "alice", method: .totp, context: AuthContext(application: "VPN", clientIP: address), code: code)
    }

    /// Addresses enough for one wrong code each, so that no source is slowed down before the lock.
    static func addresses(_ count: Int, round: Int = 0) -> [String] {
        (0..<count).map { "198.51.\(100 + round).\($0 + 1)" }
    }

    @Test("the app's current code is approved once; the same code again is denied as used")
    func acceptedOnce() async throws {
        try await SignInSetup.run { setup in
            let code = try setup.account.code(at: setup.server.clock.now())
            let first = try await setup.start(totp(code))
            #expect(first.state == .approved)
            #expect(first.method == .totp)
            let again = try await setup.start(totp(code))
            #expect(again.state == .denied)
            #expect(again.reason == "the code is wrong or was already used")

            // The next step's code is fine: the window reaches one step either side.
            setup.server.clock.advance(by: 30)
            let next = try setup.account.code(at: setup.server.clock.now())
            #expect(try await setup.start(totp(next)).state == .approved)
            // An older code than the last accepted one is a replay, even inside the window.
            #expect(try await setup.start(totp(code)).state == .denied)

            let log = try await setup.log()
            #expect(log.map(\.outcome) == ["denied", "approved", "denied", "approved"])
            #expect(log.allSatisfy { $0.mode == "totp" })
            #expect(log.last?.deviceToken == setup.account.deviceId)
        }
    }

    @Test("a code of the wrong shape is refused without counting; a missing code is refused")
    func shape() async throws {
        try await SignInSetup.run { setup in
            for code in ["12345", "1234567", "12a456", ""] {
                let error = await #expect(throws: ClientError.self) { try await setup.start(totp(code)) }
                #expect(error?.code == "invalid_request")
            }
            let log = try await setup.log()
            #expect(log.isEmpty)
            let alice = try await setup.server.store.user(named: "alice")
            #expect(alice.lockedUntil == nil)
        }
    }

    @Test(
        "fifty wrong codes in a row, from every source together, lock the code methods, even for the right code, until an admin unlocks"
    )
    func lockout() async throws {
        try await SignInSetup.run { setup in
            let right = try setup.account.code(at: setup.server.clock.now())
            let wrong = right == "000000" ? "111111" : "000000"
            #expect(LockoutPolicy().maxFailures == 50)
            for address in Self.addresses(50) {
                #expect(try await setup.start(totp(wrong, from: address)).state == .denied)
            }

            let locked = await #expect(throws: ClientError.self) { try await setup.start(totp(right)) }
            #expect(locked?.code == "user_locked")
            #expect(locked?.message.contains("countersign user unlock") == true)
            let lockedUntil = try #require(try await setup.server.store.user(named: "alice").lockedUntil)
            // Stored to the millisecond.
            #expect(abs(lockedUntil.timeIntervalSince(setup.server.clock.now()) - 60) < 0.01)

            _ = try await setup.admin.request("POST", "/v1/users/alice/unlock", as: UserView.self)
            #expect(try await setup.start(totp(right)).state == .approved)
            #expect(try await setup.log().first?.result == .success)
        }
    }

    @Test("a second lock lasts twice as long as the first")
    func growingLock() async throws {
        try await SignInSetup.run { setup in
            for round in 1...2 {
                for address in Self.addresses(50, round: round) {
                    _ = try await setup.start(totp("000000", from: address))
                }
                let until = try #require(try await setup.server.store.user(named: "alice").lockedUntil)
                #expect(abs(until.timeIntervalSince(setup.server.clock.now()) - 60 * Double(round)) < 0.01)
                setup.server.clock.advance(by: 60 * Double(round) + 1)
            }
        }
    }

    @Test(
        "a source that keeps guessing waits before its next code is looked at, and the user is not locked: the user's own client still signs in"
    )
    func slowedDownSource() async throws {
        try await SignInSetup.run { setup in
            let right = try setup.account.code(at: setup.server.clock.now())
            let wrong = right == "000000" ? "111111" : "000000"
            let attacker = "203.0.113.66"
            for _ in 0..<5 { #expect(try await setup.start(totp(wrong, from: attacker)).state == .denied) }
            // The sixth comes too soon: refused without being looked at, even when it is right.
            let slowed = await #expect(throws: ClientError.self) { try await setup.start(totp(right, from: attacker)) }
            #expect(slowed?.status == 429 && slowed?.code == "too_many_attempts", "\(String(describing: slowed))")
            let (status, _) = try await setup.api.send(
                method: "POST", path: "/v1/auth", body: try setup.api.encode(totp(right, from: attacker)))
            #expect(status == 429)
            #expect(try await setup.server.store.user(named: "alice").lockedUntil == nil)

            // The user, from their own address, is not held up.
            #expect(try await setup.start(totp(right, from: "192.0.2.10")).state == .approved)
            // Once the wait is over, the source's next code is looked at again, and each wrong one
            // after that makes the wait twice as long.
            setup.server.clock.advance(by: 31)
            let next = try setup.account.code(at: setup.server.clock.now())
            #expect(try await setup.start(totp(wrong, from: attacker)).state == .denied)
            setup.server.clock.advance(by: 3)
            await #expect(throws: ClientError.self) { try await setup.start(totp(next, from: attacker)) }
            setup.server.clock.advance(by: 2)
            #expect(try await setup.start(totp(next, from: attacker)).state == .approved)
            let refusals = try await setup.log().filter { $0.outcome == "refused" }
            #expect(
                refusals.count == 3
                    && refusals.allSatisfy { $0.reason?.contains("from this client and address") == true })
        }
    }

    @Test("the lock duration doubles and stops at its ceiling")
    func policy() {
        let policy = LockoutPolicy(maxFailures: 500)
        #expect(policy.maxFailures == LockoutPolicy.highestMaxFailures)
        #expect(policy.lockDuration(previousLockouts: 0) == 60)
        #expect(policy.lockDuration(previousLockouts: 3) == 480)
        #expect(policy.lockDuration(previousLockouts: 99) == 3600)
    }
}
