import CountersignCore
import Foundation

/// A provider to create. Its billing model is fixed for good once stored.
public struct NewProvider: Sendable, Equatable {
    public var name: String
    public var billing: BillingModel
    /// Providers of one tenant share configuration across a re-activation; nil for "default".
    public var tenant: String?

    public init(name: String, billing: BillingModel, tenant: String?) {
        self.name = name
        self.billing = billing
        self.tenant = tenant
    }
}

/// A user to create, its fields already checked.
public struct NewUser: Sendable, Equatable {
    public var name: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    /// E.164, for SMS and voice.
    public var phone: String?
    public var country: String?

    public init(
        name: String, firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil,
        country: String? = nil
    ) {
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.country = country
    }
}

/// Where a sweep over many rows has got to. Opaque: only the store that made it reads it, so a
/// backend pages however suits it (SQLite by rowid ranges, another by key).
public struct SweepCursor: Sendable, Equatable {
    let position: Int64

    init(position: Int64) { self.position = position }

    /// Where every sweep starts.
    public static let start = SweepCursor(position: 0)
}
