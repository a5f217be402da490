import CountersignCore
import Foundation

// The outbox on many nodes. A claim records its node and a lease; a message whose lease runs out
// while still `sending` (its node died between claim and record) is due again, for any node.
extension PostgresRegistryStore {
    public func enqueuePush(deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date)
        async throws -> String
    {
        try await database.write { s in
            try await Self.enqueuePush(
                s, deviceId: deviceId, payload: payload, collapseId: collapseId, deadline: deadline, now: now)
        }
    }

    static func enqueuePush(
        _ s: PostgresSession, deviceId: String, payload: String, collapseId: String?, deadline: Date, now: Date
    ) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await s.later(
            """
            INSERT INTO push_outbox (id, device_id, payload, collapse_id, created_at, deadline_at, next_attempt_at, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')
            """, [id, deviceId, payload, collapseId, now, deadline, now])
        return id
    }

    public func enqueuePushes(_ pushes: [NewPush], now: Date) async throws -> [String] {
        try await database.write { s in
            var ids: [String] = []
            for push in pushes {
                ids.append(
                    try await Self.enqueuePush(
                        s, deviceId: push.deviceId, payload: push.payload, collapseId: push.collapseId,
                        deadline: push.deadline, now: now))
            }
            return ids
        }
    }

    /// At start: this node's own claims (it has just restarted, so nobody is sending them) and any
    /// claim whose lease ran out go back to `queued`. Another live node's claims are left alone.
    public func requeueInterruptedPushes() async throws -> Int {
        let node = nodeName
        return try await database.locked { s in
            try await s.changes(
                """
                UPDATE push_outbox SET state = 'queued', claimed_by = NULL, lease_until = NULL
                WHERE state = 'sending' AND (claimed_by = ? OR claimed_by IS NULL OR lease_until <= now())
                RETURNING 1
                """, [node])
        }
    }

    /// Claims the earliest due messages that no other node holds: queued ones, and sending ones
    /// whose lease ran out. One past its deadline is expired instead, and one whose device can no
    /// longer receive push is cancelled, so neither is ever sent.
    ///
    /// The claim is one statement, committed by itself: the rows are taken (skipping any another
    /// node has locked), marked with this node and its lease, and returned. The few that turn out
    /// not to be sendable are ended by a second statement; should the node die between the two,
    /// their lease runs out and the next claim ends them.
    public func claimDuePushes(now: Date, limit: Int) async throws -> [PendingPush] {
        let node = nodeName
        let leaseUntil = now.addingTimeInterval(pushLease)
        return try await database.autocommit { s in
            let rows = try await s.rows(
                """
                WITH due AS (
                  SELECT id FROM push_outbox
                  WHERE (state = 'queued' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until <= ?)
                  ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                  UPDATE push_outbox o SET state = 'sending', attempts = o.attempts + 1, claimed_by = ?, lease_until = ?
                  FROM due WHERE o.id = due.id
                  RETURNING o.id, o.device_id, o.payload, o.collapse_id, o.deadline_at, o.attempts, o.next_attempt_at)
                SELECT c.id, c.device_id, c.payload, c.collapse_id, c.deadline_at, c.attempts,
                       d.platform, d.environment, d.push_token, d.status, d.push_token_invalid_at
                FROM claimed c LEFT JOIN device d ON d.id = c.device_id
                ORDER BY c.next_attempt_at
                """, [now, now, limit, node, leaseUntil])
            var claimed: [PendingPush] = []
            for row in rows {
                let id = try row["id"].decode(String.self)
                let deadline = try row["deadline_at"].decode(Date.self)
                guard deadline > now else {
                    try await Self.complete(s, id: id, state: "expired", outcome: "deadline passed", now: now)
                    continue
                }
                // A device removed, invalidated or without a live token since the message was queued.
                guard let token = try row["push_token"].decode(String?.self),
                    try row["push_token_invalid_at"].decode(Date?.self) == nil,
                    try row["status"].decode(String?.self) == DeviceStatus.active.rawValue,
                    let platform = DevicePlatform(rawValue: try row["platform"].decode(String?.self) ?? ""),
                    platform != .pollOnly
                else {
                    try await Self.complete(
                        s, id: id, state: "cancelled", outcome: "device cannot receive push", now: now)
                    continue
                }
                claimed.append(
                    PendingPush(
                        id: id, deviceId: try row["device_id"].decode(String.self), platform: platform,
                        environment: PushEnvironment(stored: try row["environment"].decode(String.self)),
                        pushToken: token, payload: try row["payload"].decode(String.self),
                        collapseId: try row["collapse_id"].decode(String?.self), deadline: deadline,
                        attempt: try row["attempts"].decode(Int.self)))
            }
            return claimed
        }
    }

    public func recordPushAttempts(_ results: [(id: String, result: PushAttemptResult)], now: Date) async throws {
        let results = results.map { Recorded(id: $0.id, result: $0.result) }
        // The delivered ones, most of any batch, are one write; every write goes with the commit, so
        // a batch that is only deliveries is one statement.
        let delivered = results.filter { if case .sent = $0.result { true } else { false } }.map(\.id)
        try await database.locked { s in
            if !delivered.isEmpty {
                try await s.later(
                    """
                    UPDATE push_outbox SET state = 'sent', outcome = 'delivered', completed_at = ?, lease_until = NULL
                    WHERE id = ANY(?)
                    """, [now, delivered])
            }
            for recorded in results {
                if case .sent = recorded.result { continue }
                try await Self.record(s, id: recorded.id, result: recorded.result, now: now)
            }
        }
    }

    private struct Recorded: Sendable {
        let id: String
        let result: PushAttemptResult
    }

    static func record(_ s: PostgresSession, id: String, result: PushAttemptResult, now: Date) async throws {
        switch result {
        case .sent:
            try await complete(s, id: id, state: "sent", outcome: "delivered", now: now)
        case .retry(let at, let reason):
            try await s.later(
                """
                UPDATE push_outbox SET state = 'queued', next_attempt_at = ?, outcome = ?, claimed_by = NULL,
                lease_until = NULL WHERE id = ? AND state = 'sending'
                """, [at, reason, id])
        case .tokenInvalid(let reason):
            try await complete(s, id: id, state: "failed", outcome: reason, now: now)
            try await s.later(
                """
                UPDATE device SET push_token_invalid_at = ?, push_token_invalid_reason = ?
                WHERE id = (SELECT device_id FROM push_outbox WHERE id = ?)
                """, [now, reason, id])
        case .failed(let reason):
            try await complete(s, id: id, state: "failed", outcome: reason, now: now)
        case .expired:
            try await complete(s, id: id, state: "expired", outcome: "deadline passed", now: now)
        }
    }

    /// When the next queued message falls due, or the next lease runs out, if any.
    public func nextPushDue() async throws -> Date? {
        try await database.autocommit { s in
            try await s.value(
                Date.self,
                """
                SELECT MIN(due) FROM (
                SELECT MIN(next_attempt_at) AS due FROM push_outbox WHERE state = 'queued'
                UNION ALL SELECT MIN(lease_until) FROM push_outbox WHERE state = 'sending') AS next
                """)
        }
    }

    public func pushOutboxCounts() async throws -> PushOutboxCounts {
        try await database.read { s in
            var counts = PushOutboxCounts()
            for row in try await s.rows("SELECT state, COUNT(*) FROM push_outbox GROUP BY state") {
                counts.add(state: try row[0].decode(String.self), count: try row[1].decode(Int.self))
            }
            return counts
        }
    }

    static func complete(_ s: PostgresSession, id: String, state: String, outcome: String, now: Date) async throws {
        try await s.later(
            "UPDATE push_outbox SET state = ?, outcome = ?, completed_at = ?, lease_until = NULL WHERE id = ?",
            [state, outcome, now, id])
    }
}
