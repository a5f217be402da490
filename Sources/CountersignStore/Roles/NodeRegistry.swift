import CountersignCore
import Foundation

/// The nodes sharing one database (PostgreSQL only: an SQLite file has one server). Each node
/// writes a heartbeat with its own clock; anyone can list who is live.
public protocol NodeRegistry: Sendable {
    var nodeName: String { get }
    func heartbeat(startedAt: Date, version: String, now: Date) async throws
    /// Every node heard from within `liveWithin`, newest first, and those heard from before it
    /// (marked not live), for a day.
    func nodes(liveWithin: TimeInterval) async throws -> [ClusterNode]
}
