import CountersignClient
import CountersignCore
import Foundation
import GRDB
import Testing

/// App passwords: made once, kept as a slow hash, accepted only where the provider allows them.
@Suite("App passwords")
struct AppPasswordTests {
    func signIn(_ password: String) -> AuthRequest {
        AuthRequest(user: "alice", method: .appPassword, context: AuthContext(application: "Mail"), code: password)
    }

    func create(_ setup: SignInSetup) async throws -> CreatedAppPassword {
        try await setup.admin.request(
            "POST", "/v1/users/alice/app-passwords", body: CreateAppPasswordRequest(name: "laptop mail"),
            as: CreatedAppPassword.self)
    }

    func allow(_ allowed: Bool, _ setup: SignInSetup) async throws {
        _ = try await setup.admin.request(
            "PATCH", "/v1/providers/acme", body: UpdateProviderRequest(allowAppPasswords: allowed),
            as: ProviderView.self)
    }

    @Test("made and accepted only while the provider allows them, repeatedly; stored as PBKDF2")
    func allowedByProvider() async throws {
        try await SignInSetup.run { setup in
            let refused = await #expect(throws: ClientError.self) { try await create(setup) }
            #expect(refused?.status == 403 && refused?.code == "app_passwords_forbidden")
            #expect(try await setup.server.store.appPasswords(user: "alice").isEmpty)

            try await allow(true, setup)
            let created = try await create(setup)
            #expect(AppPassword.isWellFormed(created.password))
            try await allow(false, setup)
            let forbidden = await #expect(throws: ClientError.self) { try await setup.start(signIn(created.password)) }
            #expect(forbidden?.code == "app_passwords_forbidden")

            try await allow(true, setup)
            #expect(try await setup.start(signIn(created.password)).state == .approved)
            // Typed in capitals without dashes: the same password.
            let typed = created.password.uppercased().replacingOccurrences(of: "-", with: "")
            #expect(try await setup.start(signIn(typed)).state == .approved)

            let stored = try await setup.server.store.appPasswordHashes(user: "alice").map(\.hash)
            #expect(stored.count == 1)
            #expect(stored.first?.hasPrefix("pbkdf2-sha256$210000$") == true)
            #expect(stored.first?.contains(AppPassword.normalized(created.password)) == false)

            let listed = try await setup.admin.request(
                "GET", "/v1/users/alice/app-passwords", as: [AppPasswordView].self)
            #expect(listed.map(\.name) == ["laptop mail"])
            #expect(listed.first?.lastUsedAt != nil)
            let log = try await setup.log()
            #expect(log.map(\.outcome) == ["approved", "approved", "refused"])
            #expect(log.allSatisfy { $0.mode == "app_password" })
        }
    }

    @Test("hashing runs off the request threads: an admin request answers while attempts are hashed")
    func hashingDoesNotStallTheServer() async throws {
        try await SignInSetup.run { setup in
            try await allow(true, setup)
            // Ten stored passwords: each wrong attempt hashes all ten (about a second of PBKDF2).
            for _ in 0..<10 { _ = try await create(setup) }
            let (api, admin, attempt) = (setup.api, setup.admin, signIn(AppPassword.generate()))
            // The group hands back each request's label as it finishes, so `finished` is their order.
            let finished = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        _ = try await api.request("POST", "/v1/auth", body: attempt, as: AuthTransaction.self)
                        return "attempt"
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                group.addTask {
                    _ = try await admin.request("GET", "/v1/users/alice", as: UserView.self)
                    return "admin request"
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // On Swift's two cooperative threads the attempts would have kept it waiting behind them.
            #expect(finished.first == "admin request")
            #expect(finished.count == 5)
        }
    }

    @Test("one app password can be deleted by its id; the others keep working, and an unknown id is a 404")
    func deleteOne() async throws {
        try await SignInSetup.run { setup in
            try await allow(true, setup)
            let retired = try await create(setup)
            let kept = try await create(setup)
            try await setup.admin.requestWithoutAnswer(
                "DELETE", "/v1/users/alice/app-passwords/\(retired.appPassword.id)")
            let listed = try await setup.admin.request(
                "GET", "/v1/users/alice/app-passwords", as: [AppPasswordView].self)
            #expect(listed.map(\.id) == [kept.appPassword.id])
            #expect(try await setup.start(signIn(retired.password)).state == .denied)
            #expect(try await setup.start(signIn(kept.password)).state == .approved)
            let again = await #expect(throws: ClientError.self) {
                try await setup.admin.requestWithoutAnswer(
                    "DELETE", "/v1/users/alice/app-passwords/\(retired.appPassword.id)")
            }
            #expect(again?.status == 404 && again?.code == "not_found")
        }
    }

    @Test("a wrong password is denied and counts towards the lock; delete-all ends them")
    func wrongAndDeleted() async throws {
        try await SignInSetup.run { setup in
            try await allow(true, setup)
            let created = try await create(setup)
            let other = AppPassword.generate()
            #expect(try await setup.start(signIn(other)).state == .denied)
            let alice = try await setup.server.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT failed_attempts FROM user WHERE name = 'alice'")
            }
            #expect(alice == 1)

            let malformed = await #expect(throws: ClientError.self) { try await setup.start(signIn("hunter2")) }
            #expect(malformed?.code == "invalid_request")

            let deleted = try await setup.admin.request(
                "DELETE", "/v1/users/alice/app-passwords", as: DeletedAppPasswords.self)
            #expect(deleted.deleted == 1)
            let none = await #expect(throws: ClientError.self) { try await setup.start(signIn(created.password)) }
            #expect(none?.code == "no_app_password")
        }
    }

    @Test("user reset removes the app, app passwords and pending sign-ins, so the user registers again")
    func reset() async throws {
        try await SignInSetup.run { setup in
            try await allow(true, setup)
            let created = try await create(setup)
            let pending = try await setup.start()
            // A long-poll on the pending sign-in hears the reset at once, not when its wait runs out.
            let waiting = Task { try await setup.outcome(pending.transactionId, wait: 30) }
            try await Task.sleep(for: .milliseconds(200))
            let resetAt = ContinuousClock.now
            let result = try await setup.admin.request("POST", "/v1/users/alice/reset", as: UserResetResult.self)
            let heard = try await waiting.value
            #expect(heard.state == .failed && heard.reason == "the user was reset by an administrator")
            #expect(ContinuousClock.now - resetAt < .seconds(20), "the long-poll waited for its time to run out")
            #expect(
                result
                    == UserResetResult(
                        devicesRemoved: 1, appPasswordsDeleted: 1, pendingSignInsEnded: 1, activationCodesRevoked: 0))

            #expect(try await setup.outcome(pending.transactionId).state == .failed)
            let code = try setup.account.code(at: setup.server.clock.now())
            let noApp = await #expect(throws: ClientError.self) {
                try await setup.start(
                    AuthRequest(user: "alice", method: .totp, context: AuthContext(application: "VPN"), code: code))
            }
            #expect(noApp?.code == "no_code_generator")
            let noPassword = await #expect(throws: ClientError.self) {
                try await setup.start(signIn(created.password))
            }
            #expect(noPassword?.code == "no_app_password")
            #expect(try await setup.log().contains { $0.reason == "the user was reset by an administrator" })
        }
    }
}
