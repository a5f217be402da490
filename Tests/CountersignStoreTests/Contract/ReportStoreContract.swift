import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: the auth log and reports")
struct ReportStoreContract {
    @Test("the log filters by user and result, newest first, and pages", arguments: StoreBackend.allCases)
    func log(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        _ = try await fixture.store.createUser(NewUser(name: "bob"), now: fixture.now)
        let device = try await fixture.pair().device.id
        _ = try await fixture.verifyCode(try await fixture.appCode(deviceId: device))
        _ = try await fixture.verifyCode(try await fixture.wrongAppCode(deviceId: device))
        _ = try? await fixture.verifyCode("123456", user: "bob")
        let store = fixture.store
        #expect(try await fixture.log().map(\.user) == ["bob", "alice", "alice"])
        let denied = try await store.authLog(AuthLogFilter(user: "ALICE", result: .denied)).entries
        #expect(denied.count == 1 && denied[0].mode == "totp")
        let page = try await store.authLog(AuthLogFilter(limit: 2))
        #expect(page.entries.count == 2)
        let rest = try await store.authLog(AuthLogFilter(before: page.nextBefore, limit: 2)).entries
        #expect(rest.map(\.user) == ["alice"])
    }

    @Test(
        "pruning deletes older rows but never the current month's; usage counts what is left of the month",
        arguments: StoreBackend.allCases)
    func pruneAndUsage(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let old = fixture.now - 90 * 86_400
        _ = try? await fixture.verifyCode("123456", at: old)
        let device = try await fixture.pair().device.id
        _ = try await fixture.verifyCode(try await fixture.appCode(deviceId: device))
        let pruned = try await fixture.store.pruneAuthLog(before: fixture.now + 86_400, now: fixture.now)
        #expect(pruned.deleted == 1)
        #expect(pruned.before <= fixture.now)
        #expect(try await fixture.log().count == 1)
        let usage = try await fixture.store.usage(month: ReportMonth(containing: fixture.now), now: fixture.now)
        let acme = try #require(usage.providers.first { $0.provider == "acme" })
        #expect(acme.verifications.contains(VerificationCount(method: "totp", result: .success, count: 1)))
    }
}
