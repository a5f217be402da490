import CountersignClient
import CountersignCore
import Foundation
import GRDB
import Testing

/// Hardware tokens over the admin API, then their codes through the auth API.
@Suite("Hardware tokens")
struct HardwareTokenTests {
    static let secret = Array("12345678901234567890".utf8)

    func totp(_ code: String) -> AuthRequest {
        AuthRequest(user: "alice", method: .totp, context: AuthContext(application: "VPN"), code: code)
    }

    func importTokens(_ seeds: [TokenSeed], _ setup: SignInSetup) async throws -> ImportTokensResult {
        try await setup.admin.request(
            "POST", "/v1/tokens", body: ImportTokensRequest(tokens: seeds.map(ImportedToken.init)),
            as: ImportTokensResult.self)
    }

    @Test("an imported TOTP token, once assigned, signs in once per code; its secret is sealed at rest")
    func totpToken() async throws {
        try await SignInSetup.run { setup in
            let seed = TokenSeed(serial: "HW-1", secret: Self.secret, algorithm: .sha256, digits: 8, period: 60)
            #expect(try await importTokens([seed], setup).imported == 1)
            let token = try TOTP(hotp: HOTP(secret: Self.secret, algorithm: .sha256, digits: 8), period: 60)
            let code = token.code(at: setup.server.clock.now())

            // Not assigned yet: alice's only code generator is her app, and this is not its code.
            #expect(try await setup.start(totp(code)).state == .denied)
            _ = try await setup.server.store.unlockUser("alice")

            let assigned = try await setup.admin.request(
                "POST", "/v1/tokens/hw-1/assign", body: AssignTokenRequest(user: "alice"), as: TokenView.self)
            #expect(assigned.user == "alice")
            #expect(try await setup.start(totp(code)).state == .approved)
            #expect(try await setup.start(totp(code)).state == .denied)
            #expect(try await setup.log().first(where: { $0.result == .success })?.deviceToken == "token:HW-1")

            let rows = try await setup.server.pool.read { db in
                try Data.fetchAll(db, sql: "SELECT secret_sealed FROM hardware_token")
            }
            #expect(rows.count == 1)
            #expect(rows.first.map { $0.range(of: Data(Self.secret)) == nil } == true)

            let listed = try await setup.admin.request("GET", "/v1/tokens?user=alice", as: [TokenView].self)
            #expect(listed.map(\.serial) == ["HW-1"])
            #expect(listed.first?.lastUsedAt != nil)
        }
    }

    @Test("the token list is served in pages of at most 1000 with a Link to the next, and a client follows it to the end")
    func pagedList() async throws {
        try await SignInSetup.run { setup in
            let serials = (1...2500).map { String(format: "P%04d", $0) }
            _ = try await importTokens(serials.map { TokenSeed(serial: $0, secret: Self.secret) }, setup)

            let first = try await setup.admin.exchange(method: "GET", path: "/v1/tokens", body: nil)
            let firstPage = try JSONHTTPClient.decode([TokenView].self, status: first.status, body: first.body)
            #expect(firstPage.count == PageRequest.defaultLimit)
            #expect(first.headers["Link"] == [#"</v1/tokens?after=P1000>; rel="next""#])

            let all = try await setup.admin.requestAll("/v1/tokens", as: TokenView.self)
            #expect(all.map(\.serial) == serials)
            let some = try await setup.admin.requestAll("/v1/tokens?limit=7", as: TokenView.self, limit: 10)
            #expect(some.map(\.serial) == Array(serials.prefix(10)))

            // The next page keeps the filters the first one had.
            for serial in ["P0002", "P0003", "P0004"] {
                _ = try await setup.admin.request(
                    "POST", "/v1/tokens/\(serial)/assign", body: AssignTokenRequest(user: "alice"), as: TokenView.self)
            }
            let filtered = try await setup.admin.exchange(
                method: "GET", path: "/v1/tokens?user=alice&limit=2", body: nil)
            let next = try #require(filtered.headers["Link"].first)
            #expect(next.contains("user=alice") && next.contains("limit=2") && next.contains("after=P0003"), "\(next)")
            #expect(
                try await setup.admin.requestAll("/v1/tokens?user=alice&limit=2", as: TokenView.self).map(\.serial)
                    == ["P0002", "P0003", "P0004"])

            for query in ["limit=0", "limit=10001", "limit=ten", "after="] {
                let refused = try await setup.admin.exchange(method: "GET", path: "/v1/tokens?\(query)", body: nil)
                #expect(refused.status == 400, "\(query)")
                #expect(String(decoding: refused.body, as: UTF8.self).contains("invalid_request"))
            }
        }
    }

    @Test("an HOTP token accepts a code a few presses ahead, then never an older one")
    func hotpToken() async throws {
        try await SignInSetup.run { setup in
            let seed = TokenSeed(serial: "HW-2", secret: Self.secret, kind: .hotp, counter: 0)
            _ = try await importTokens([seed], setup)
            _ = try await setup.admin.request(
                "POST", "/v1/tokens/HW-2/assign", body: AssignTokenRequest(user: "alice"), as: TokenView.self)
            // RFC 4226 values: counter 3 is 969429, counter 1 is 287082.
            #expect(try await setup.start(totp("969429")).state == .approved)
            #expect(try await setup.start(totp("969429")).state == .denied)
            #expect(try await setup.start(totp("287082")).state == .denied)
            #expect(try await setup.start(totp("338314")).state == .approved)
            // Beyond the look-ahead of ten presses: counter 15 from next counter 5.
            let far = try HOTP(secret: Self.secret).code(counter: 15)
            #expect(try await setup.start(totp(far)).state == .denied)
        }
    }

    @Test("an import with a serial already stored, or a bad token, stores nothing")
    func allOrNothing() async throws {
        try await SignInSetup.run { setup in
            _ = try await importTokens([TokenSeed(serial: "HW-1", secret: Self.secret)], setup)
            let clash = await #expect(throws: ClientError.self) {
                try await importTokens(
                    [TokenSeed(serial: "HW-9", secret: Self.secret), TokenSeed(serial: "hw-1", secret: Self.secret)],
                    setup)
            }
            #expect(clash?.status == 409)
            #expect(clash?.message.contains("hw-1") == true)

            var bad = ImportedToken(TokenSeed(serial: "HW-8", secret: Self.secret))
            bad.digits = 7
            let invalid = await #expect(throws: ClientError.self) {
                try await setup.admin.request(
                    "POST", "/v1/tokens",
                    body: ImportTokensRequest(tokens: [
                        ImportedToken(TokenSeed(serial: "HW-7", secret: Self.secret)), bad,
                    ]),
                    as: ImportTokensResult.self)
            }
            #expect(invalid?.message == "tokens[1]: codes of 7 digits are not supported (6 or 8)")

            let stored = try await setup.admin.request("GET", "/v1/tokens", as: [TokenView].self)
            #expect(stored.map(\.serial) == ["HW-1"])
        }
    }

    @Test("a token assigned to one user cannot be taken by another until unassigned; delete removes it")
    func assignment() async throws {
        try await SignInSetup.run { setup in
            _ = try await importTokens([TokenSeed(serial: "HW-1", secret: Self.secret)], setup)
            _ = try await setup.admin.request(
                "POST", "/v1/users",
                body: CreateUserRequest(
                    name: "bob", firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
                as: UserView.self)
            _ = try await setup.admin.request(
                "POST", "/v1/tokens/HW-1/assign", body: AssignTokenRequest(user: "alice"), as: TokenView.self)
            let taken = await #expect(throws: ClientError.self) {
                try await setup.admin.request(
                    "POST", "/v1/tokens/HW-1/assign", body: AssignTokenRequest(user: "bob"), as: TokenView.self)
            }
            #expect(taken?.message == "token 'HW-1' is assigned to user 'alice'; unassign it first")
            let freed = try await setup.admin.request("POST", "/v1/tokens/HW-1/unassign", as: TokenView.self)
            #expect(freed.user == nil)
            try await setup.admin.requestWithoutAnswer("DELETE", "/v1/tokens/HW-1")
            let gone = await #expect(throws: ClientError.self) {
                try await setup.admin.requestWithoutAnswer("DELETE", "/v1/tokens/HW-1")
            }
            #expect(gone?.status == 404)
        }
    }
}
