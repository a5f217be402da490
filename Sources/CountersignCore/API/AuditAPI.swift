import Foundation

/// `GET /v1/audit`: one change made through the admin API.
public struct AdminAuditView: Codable, Sendable, Equatable {
    public var time: Date
    public var token: String
    public var action: String
    public var target: String?
    public var address: String?
    public var status: Int

    public init(_ entry: AdminAuditEntry) {
        time = entry.time
        token = entry.tokenName
        action = entry.action
        target = entry.target
        address = entry.address
        status = entry.status
    }
}
