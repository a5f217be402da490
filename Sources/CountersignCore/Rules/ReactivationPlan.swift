import Foundation

/// What a re-activation does beyond the new activation: whether it is allowed, and what of the old
/// provider's configuration the new one inherits.
public struct ReactivationPlan: Sendable, Equatable {
    /// A provider as the plan sees it.
    public struct Provider: Sendable, Equatable {
        public var name: String
        public var tenant: String
        public var hasSettings: Bool
        public var hasTelephony: Bool
        public var hasPushCredentials: Bool

        public init(name: String, tenant: String, hasSettings: Bool, hasTelephony: Bool, hasPushCredentials: Bool) {
            self.name = name
            self.tenant = tenant
            self.hasSettings = hasSettings
            self.hasTelephony = hasTelephony
            self.hasPushCredentials = hasPushCredentials
        }
    }

    /// A part of a provider's configuration that can carry over.
    public enum Part: String, Sendable, CaseIterable {
        case settings
        case telephony = "telephony gateways"
        case pushCredentials = "push credentials"
    }

    public var tenantChanged: Bool
    /// What the new provider takes from the old one, in this order; empty across tenants.
    public var carryOver: [Part]

    public init(tenantChanged: Bool, carryOver: [Part]) {
        self.tenantChanged = tenantChanged
        self.carryOver = carryOver
    }

    /// Plans re-linking from `current` (nil: the old activation's provider is gone) to `target`.
    /// The same provider again needs `force`: it ends every pairing for nothing but a new key.
    public static func plan(from current: Provider?, to target: Provider, sameProvider: Bool, force: Bool)
        throws(StoreError) -> ReactivationPlan
    {
        if sameProvider, !force { throw .sameProvider(target.name) }
        let tenantChanged = current?.tenant != target.tenant
        guard !tenantChanged, let current, !sameProvider else {
            return ReactivationPlan(tenantChanged: tenantChanged, carryOver: [])
        }
        // Within one tenant a re-link keeps the configuration wherever the new provider has none of its own.
        var parts: [Part] = []
        if current.hasSettings, !target.hasSettings { parts.append(.settings) }
        if current.hasTelephony, !target.hasTelephony { parts.append(.telephony) }
        if current.hasPushCredentials, !target.hasPushCredentials { parts.append(.pushCredentials) }
        return ReactivationPlan(tenantChanged: false, carryOver: parts)
    }
}
