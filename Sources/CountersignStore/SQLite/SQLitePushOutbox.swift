import CountersignCore
import Foundation
import GRDB

// The outbox half of `RegistryStore` (which refines `PushOutboxStore`).
extension SQLiteRegistryStore {
    public func enqueuePush(deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date)
        async throws -> String
    {
        try await pool.write { db in
            try Self.enqueuePush(
                db, deviceId: deviceId, payload: payload, collapseId: collapseId, deadline: deadline, now: now)
        }
    }

    /// For callers that queue a push inside their own transaction (a challenge and its push together).
    static func enqueuePush(
        _ db: Database, deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date
    ) throws -> String {
        let id = UUID().uuidString.lowercased()
        try db.cachedStatement(
            sql: """
                INSERT INTO push_outbox (id, device_id, payload, collapse_id, created_at, deadline_at, next_attempt_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')
                """
        ).execute(arguments: [id, deviceId, payload, collapseId, now.stored, deadline.stored, now.stored])
        return id
    }

    public func requeueInterruptedPushes() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE push_outbox SET state = 'queued' WHERE state = 'sending'")
            return db.changesCount
        }
    }

    /// Claims the earliest due messages. One past its deadline is expired here instead, and one whose
    /// device can no longer receive push is cancelled, so neither is ever sent. Only due rows are
    /// read (the `push_outbox_due` index), however long the queue.
    public func claimDuePushes(now: Date, limit: Int) async throws -> [PendingPush] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT o.id, o.device_id, o.payload, o.collapse_id, o.deadline_at, o.attempts,
                               d.platform, d.environment, d.push_token, d.status, d.push_token_invalid_at
                        FROM push_outbox o JOIN device d ON d.id = o.device_id
                        WHERE o.state = 'queued' AND o.next_attempt_at <= ?
                        ORDER BY o.next_attempt_at LIMIT ?
                        """), arguments: [now.stored, limit])
            var claimed: [PendingPush] = []
            claimed.reserveCapacity(rows.count)
            for row in rows {
                let id: String = row["id"]
                let deadline: Date = row["deadline_at"]
                guard deadline > now else {
                    try Self.complete(db, id: id, state: "expired", outcome: "deadline passed", now: now)
                    continue
                }
                // A device removed, invalidated or without a live token since the message was queued.
                guard let token: String = row["push_token"], row["push_token_invalid_at"] as Date? == nil,
                    row["status"] as String == DeviceStatus.active.rawValue,
                    let platform = DevicePlatform(rawValue: row["platform"]), platform != .pollOnly
                else {
                    try Self.complete(db, id: id, state: "cancelled", outcome: "device cannot receive push", now: now)
                    continue
                }
                let attempt = (row["attempts"] as Int) + 1
                try db.cachedStatement(sql: "UPDATE push_outbox SET state = 'sending', attempts = ? WHERE id = ?")
                    .execute(arguments: [attempt, id])
                claimed.append(
                    PendingPush(
                        id: id, deviceId: row["device_id"], platform: platform,
                        environment: PushEnvironment(stored: row["environment"]), pushToken: token,
                        payload: row["payload"], collapseId: row["collapse_id"], deadline: deadline,
                        attempt: attempt))
            }
            return claimed
        }
    }

    public func enqueuePushes(_ pushes: [NewPush], now: Date) async throws -> [String] {
        try await pool.write { db in
            try pushes.map {
                try Self.enqueuePush(
                    db, deviceId: $0.deviceId, payload: $0.payload, collapseId: $0.collapseId, deadline: $0.deadline,
                    now: now)
            }
        }
    }

    public func recordPushAttempts(_ results: [(id: String, result: PushAttemptResult)], now: Date) async throws {
        try await pool.write { db in
            for (id, result) in results { try Self.record(db, id: id, result: result, now: now) }
        }
    }

    static func record(_ db: Database, id: String, result: PushAttemptResult, now: Date) throws {
        switch result {
        case .sent:
            try Self.complete(db, id: id, state: "sent", outcome: "delivered", now: now)
        case .retry(let at, let reason):
            try db.cachedStatement(
                sql:
                    "UPDATE push_outbox SET state = 'queued', next_attempt_at = ?, outcome = ? WHERE id = ? AND state = 'sending'"
            ).execute(arguments: [at.stored, reason, id])
        case .tokenInvalid(let reason):
            try Self.complete(db, id: id, state: "failed", outcome: reason, now: now)
            try db.execute(
                sql: """
                    UPDATE device SET push_token_invalid_at = ?, push_token_invalid_reason = ?
                    WHERE id = (SELECT device_id FROM push_outbox WHERE id = ?)
                    """, arguments: [now, reason, id])
        case .failed(let reason):
            try Self.complete(db, id: id, state: "failed", outcome: reason, now: now)
        case .expired:
            try Self.complete(db, id: id, state: "expired", outcome: "deadline passed", now: now)
        }
    }

    public func nextPushDue() async throws -> Date? {
        try await pool.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM push_outbox WHERE state = 'queued'")
        }
    }

    public func pushOutboxCounts() async throws -> PushOutboxCounts {
        try await pool.read { db in
            var counts = PushOutboxCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM push_outbox GROUP BY state") {
                counts.add(state: row["state"], count: row["n"])
            }
            return counts
        }
    }

    static func complete(_ db: Database, id: String, state: String, outcome: String, now: Date) throws {
        try db.cachedStatement(sql: "UPDATE push_outbox SET state = ?, outcome = ?, completed_at = ? WHERE id = ?")
            .execute(arguments: [state, outcome, now.stored, id])
    }
}
