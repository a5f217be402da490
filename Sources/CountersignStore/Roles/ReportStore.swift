import CountersignCore
import Foundation

/// The auth log, usage and billing reports, and log retention.
public protocol ReportStore: Sendable {
    func authLog(_ filter: AuthLogFilter) async throws -> AuthLogSlice
    /// Every provider's month: users configured for MFA (counted for the provider linked at the
    /// month's end), verifications by method and result, SMS and voice by country, and what is billed.
    func usage(month: ReportMonth, now: Date) async throws -> UsageMonth
    /// Deletes auth-log rows older than `before`, but never the current month's; returns how many
    /// and the cut-off used.
    func pruneAuthLog(before: Date, now: Date) async throws -> LogPruning
    /// Recounts the monthly usage counters from the log (they are kept with every row; this is for
    /// rows that reached the log some other way, and what the migration did for older rows).
    func rebuildUsageCounts() async throws
}
