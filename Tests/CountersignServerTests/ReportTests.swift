import CountersignClient
import CountersignCore
import Foundation
import GRDB
import GatewayTestSupport
import Testing

/// A month of known activity, and the usage and billing it must report.
@Suite("Usage and billing reports")
struct ReportTests {
    func usage(_ setup: SignInSetup, _ month: String) async throws -> UsageReport {
        try await setup.admin.request("GET", "/v1/reports/usage?month=\(month)", as: UsageReport.self)
    }

    @Test("users configured, licenses, verifications by method and result, texts and calls by country, billing")
    func month() async throws {
        try await PhoneSignInTests.run { setup, gateway in
            let month = ReportMonth(containing: setup.server.clock.now()).description
            _ = try await setup.admin.request(
                "POST", "/v1/users/erin/license", body: SetLicenseRequest(licensed: true), as: UserView.self)
            _ = try await setup.admin.request(
                "POST", "/v1/users",
                body: CreateUserRequest(
                    name: "frank", firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
                as: UserView.self)

            // Under acme (per-user): an approved and a wrong SMS code, an app code, a call, a refusal.
            let carol = try await setup.start(PhoneSignInTests.request(.sms))
            _ = try await PhoneSignInTests.verify(
                setup, carol.transactionId, try await PhoneSignInTests.textedCode(gateway).0)
            let dave = try await setup.start(PhoneSignInTests.request(.sms, user: "dave"))
            let daveCode = try await PhoneSignInTests.textedCode(gateway, to: "+16135550100").0
            _ = try await PhoneSignInTests.verify(setup, dave.transactionId, daveCode == "000000" ? "111111" : "000000")
            let code = try setup.account.code(at: setup.server.clock.now())
            _ = try await setup.start(
                AuthRequest(user: "alice", method: .totp, context: AuthContext(application: "VPN"), code: code))
            _ = try await setup.start(PhoneSignInTests.request(.voice, user: "erin"))
            _ = try? await setup.start(
                AuthRequest(user: "nobody", method: .totp, context: AuthContext(application: "VPN"), code: "123456"))

            let first = try await usage(setup, month)
            #expect(first.providers.count == 1)
            let acme = try #require(first.providers.first)
            #expect(acme.provider == "acme" && acme.billing == .perUser)
            // alice (app), carol, dave, erin (phones); frank has no factor; erin is licensed.
            #expect(acme.usersConfigured == 4)
            #expect(acme.licensedUsers == 1)
            #expect(acme.billable == 3)
            #expect(
                acme.verifications == [
                    MethodCount(method: "sms", result: .denied, count: 1),
                    MethodCount(method: "sms", result: .success, count: 1),
                    MethodCount(method: "totp", result: .success, count: 1),
                ])
            #expect(
                acme.phoneSends == [
                    CountryCount(country: "CA", method: "sms", count: 1),
                    CountryCount(country: "GB", method: "voice", count: 1),
                    CountryCount(country: "US", method: "sms", count: 1),
                ])

            // Re-linked to a per-authentication provider in the same tenant: it bills every verification.
            _ = try await setup.admin.request(
                "POST", "/v1/providers",
                body: CreateProviderRequest(name: "beta", billing: .perAuthentication, tenant: nil),
                as: ProviderView.self)
            _ = try await setup.admin.request(
                "POST", "/v1/activations/reactivate", body: ReactivateRequest(provider: "beta"),
                as: ReactivationResult.self)
            setup.server.clock.advance(by: 400)
            let again = try await setup.start(PhoneSignInTests.request(.sms))
            let (code2, _) = try await PhoneSignInTests.textedCode(gateway)
            _ = try await PhoneSignInTests.verify(setup, again.transactionId, code2)

            let second = try await usage(setup, month)
            let beta = try #require(second.providers.first { $0.provider == "beta" })
            #expect(beta.verifications == [MethodCount(method: "sms", result: .success, count: 1)])
            #expect(beta.billable == 1)
            #expect(beta.usersConfigured == 4, "users count for the provider linked at the month's end")
            let oldAcme = try #require(second.providers.first { $0.provider == "acme" })
            #expect(oldAcme.usersConfigured == 0 && oldAcme.billable == 0)
            #expect(oldAcme.verifications.map(\.count).reduce(0, +) == 3)

            // Nothing in another month.
            #expect(try await usage(setup, "2001-01").providers.isEmpty)
            let bad = await #expect(throws: ClientError.self) { try await usage(setup, "2026-13") }
            #expect(bad?.status == 400)
        }
    }

    @Test("pruning never reaches into the current month")
    func prune() async throws {
        try await SignInSetup.run { setup in
            let now = setup.server.clock.now()
            // A sign-in for a user nobody has is refused and logged under the name asked for, at the
            // clock's time: rows from 90 days and one day ago, and from today.
            for (offset, user) in [(-90.0, "old"), (-1.0, "recent"), (0, "today")] {
                let at = now.addingTimeInterval(offset * 86_400)
                setup.server.clock.advance(by: at.timeIntervalSince(setup.server.clock.now()))
                _ = try? await setup.start(AuthRequest(user: user, method: .totp, code: "123456"))
            }
            let result = try await setup.admin.request(
                "POST", "/v1/log/prune", body: PruneLogRequest(before: now.addingTimeInterval(86_400)),
                as: PruneLogResult.self)
            #expect(result.before == ReportMonth(containing: now).start)
            let left = try await setup.log().map(\.user)
            #expect(left.contains("today"))
            #expect(!left.contains("old"))
            #expect(result.deleted == 3 - left.count)
        }
    }
}
