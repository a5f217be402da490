import CountersignCore
import Foundation

/// The admin audit trail: appended after every change made through the admin API, read newest first.
public protocol AuditStore: Sendable {
    func appendAudit(_ entry: AdminAuditEntry) async throws
    /// Entries at or after `since`, newest first, at most `limit`.
    func audit(since: Date?, limit: Int) async throws -> [AdminAuditEntry]
}
