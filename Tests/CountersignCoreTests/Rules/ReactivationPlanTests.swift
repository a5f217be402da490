import CountersignCore
import Testing

@Suite("Re-activation planning: the same provider needs force, configuration carries over within a tenant")
struct ReactivationPlanTests {
    func provider(
        _ name: String, tenant: String = "t1", settings: Bool = false, telephony: Bool = false, push: Bool = false
    ) -> ReactivationPlan.Provider {
        .init(name: name, tenant: tenant, hasSettings: settings, hasTelephony: telephony, hasPushCredentials: push)
    }

    @Test("re-linking to the same provider is refused without force, and carries nothing over with it")
    func sameProvider() throws {
        let acme = provider("acme", settings: true, telephony: true, push: true)
        #expect(throws: StoreError.sameProvider("acme")) {
            try ReactivationPlan.plan(from: acme, to: acme, sameProvider: true, force: false)
        }
        let forced = try ReactivationPlan.plan(from: acme, to: acme, sameProvider: true, force: true)
        #expect(forced == ReactivationPlan(tenantChanged: false, carryOver: []))
    }

    @Test("within a tenant the new provider takes only the parts it lacks")
    func carryOverWithinTenant() throws {
        let old = provider("old", settings: true, telephony: true, push: true)
        let plan = try ReactivationPlan.plan(
            from: old, to: provider("new", telephony: true), sameProvider: false, force: false)
        #expect(plan == ReactivationPlan(tenantChanged: false, carryOver: [.settings, .pushCredentials]))
        #expect(plan.carryOver.map(\.rawValue) == ["settings", "push credentials"])
    }

    @Test("another tenant starts from the new provider's own configuration")
    func otherTenant() throws {
        let old = provider("old", settings: true, telephony: true, push: true)
        let plan = try ReactivationPlan.plan(
            from: old, to: provider("new", tenant: "t2"), sameProvider: false, force: false)
        #expect(plan == ReactivationPlan(tenantChanged: true, carryOver: []))
    }

    @Test("when the old provider is gone, the tenant counts as changed")
    func oldProviderGone() throws {
        let plan = try ReactivationPlan.plan(from: nil, to: provider("new"), sameProvider: false, force: false)
        #expect(plan == ReactivationPlan(tenantChanged: true, carryOver: []))
    }
}
