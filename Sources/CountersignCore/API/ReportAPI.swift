import Foundation

// Usage and billing reports (admin API).

/// A calendar month in UTC, written YYYY-MM.
public struct ReportMonth: Sendable, Equatable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]), (2000...9999).contains(year), (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
    }

    public init(containing date: Date) {
        let components = Self.calendar.dateComponents([.year, .month], from: date)
        year = components.year ?? 1970
        month = components.month ?? 1
    }

    public var description: String { String(format: "%04d-%02d", year, month) }
    public var start: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? .distantPast
    }
    public var end: Date { Self.calendar.date(byAdding: .month, value: 1, to: start) ?? .distantFuture }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()
}

public struct MethodCount: Codable, Sendable, Equatable {
    public var method: String
    public var result: AuthLogResult
    public var count: Int
    public init(method: String, result: AuthLogResult, count: Int) {
        self.method = method
        self.result = result
        self.count = count
    }
}

public struct CountryCount: Codable, Sendable, Equatable {
    public var country: String
    public var method: String
    public var count: Int
    public init(country: String, method: String, count: Int) {
        self.country = country
        self.method = method
        self.count = count
    }
}

/// One provider's month.
public struct ProviderUsage: Codable, Sendable, Equatable {
    public var provider: String
    public var billing: BillingModel
    /// Users configured for MFA (an app, a phone number, a token or an app password) in the month.
    public var usersConfigured: Int
    public var licensedUsers: Int
    /// Two-step verifications by method and result (refusals before any factor was asked are left out).
    public var verifications: [MethodCount]
    public var phoneSends: [CountryCount]
    /// What the provider bills: users for per-user (licensed ones left out), verifications for per-authentication.
    public var billable: Int

    public init(
        provider: String, billing: BillingModel, usersConfigured: Int, licensedUsers: Int, verifications: [MethodCount],
        phoneSends: [CountryCount], billable: Int
    ) {
        self.provider = provider
        self.billing = billing
        self.usersConfigured = usersConfigured
        self.licensedUsers = licensedUsers
        self.verifications = verifications
        self.phoneSends = phoneSends
        self.billable = billable
    }
}

public struct UsageReport: Codable, Sendable, Equatable {
    public var month: String
    public var providers: [ProviderUsage]
    public init(month: String, providers: [ProviderUsage]) {
        self.month = month
        self.providers = providers
    }
}

public struct SetLicenseRequest: Codable, Sendable {
    public var licensed: Bool
    public init(licensed: Bool) { self.licensed = licensed }
}

public struct PruneLogRequest: Codable, Sendable {
    /// Rows older than this go; the current month's never do.
    public var before: Date
    public init(before: Date) { self.before = before }
}

public struct PruneLogResult: Codable, Sendable, Equatable {
    public var deleted: Int
    /// The cut-off actually used (moved back to the start of the current month when later).
    public var before: Date
    public init(deleted: Int, before: Date) {
        self.deleted = deleted
        self.before = before
    }
}
