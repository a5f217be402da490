import CountersignClient
import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

/// Sign-in with the authenticator app's offline code: accepted once, wrong codes lock the user.
@Suite("Code sign-in over HTTP")
struct CodeSignInTests {
    func totp(_ code: String) -> AuthRequest {
        AuthRequest(user: "alice", method: .totp, context: AuthContext(application: "VPN"), code: code)
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

    @Test("ten wrong codes lock the code methods, even for the right code, until an admin unlocks")
    func lockout() async throws {
        try await SignInSetup.run { setup in
            let right = try setup.account.code(at: setup.server.clock.now())
            let wrong = right == "000000" ? "111111" : "000000"
            for _ in 0..<10 { #expect(try await setup.start(totp(wrong)).state == .denied) }

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
                for _ in 0..<10 { _ = try await setup.start(totp("000000")) }
                let until = try #require(try await setup.server.store.user(named: "alice").lockedUntil)
                #expect(abs(until.timeIntervalSince(setup.server.clock.now()) - 60 * Double(round)) < 0.01)
                setup.server.clock.advance(by: 60 * Double(round) + 1)
            }
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
