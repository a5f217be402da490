import CountersignCore
import Foundation
import PostgresNIO

// The helpdesk's view of sign-ins still waiting, and its way to end one.
extension PostgresRegistryStore {
    public func pendingSignIns(user: String?, limit: Int, now: Date) async throws -> [PendingSignIn] {
        let limit = min(max(limit, 1), Self.maxPendingSignInPage)
        return try await database.read { s in
            var userId: Int64?
            if let user {
                guard let record = try await Self.user(named: user, s) else { throw StoreError.userNotFound(user) }
                userId = record.id
            }
            let filter = userId == nil ? "" : " AND t.user_id = ?"
            let values: [SQLValue] = [now] + (userId.map { [$0] } ?? []) + [limit]
            func waiting(_ table: String) async throws -> [PostgresRandomAccessRow] {
                try await s.rows(
                    """
                    SELECT t.*, "user".name AS user_name_now FROM \(table) t
                    LEFT JOIN "user" ON "user".id = t.user_id
                    WHERE t.state = 'pending' AND t.deadline_at > ?\(filter)
                    ORDER BY t.created_at, t.id LIMIT ?
                    """, values)
            }
            let pushes = try await waiting("challenge").map { row in
                Self.pendingSignIn(
                    try ChallengeRecord(from: PostgresRowDecoder(row: row)),
                    userName: try row["user_name_now"].decode(String?.self) ?? "?")
            }
            let phones = try await waiting("phone_challenge").map { row in
                Self.pendingSignIn(
                    try PhoneChallengeRecord(from: PostgresRowDecoder(row: row)),
                    userName: try row["user_name_now"].decode(String?.self) ?? "?")
            }
            return Self.oldestFirst(pushes, phones, limit: limit)
        }
    }

    public func cancelSignIn(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws
        -> AuthTransaction
    {
        // Locked as it is read, as an answer or the sweeper would lock it: one of them ends it.
        try await database.locked { s in
            if var challenge = try await s.fetchOne(
                ChallengeRecord.self, "SELECT * FROM challenge WHERE id = ? FOR UPDATE", [id])
            {
                let user = try await s.record(UserRecord.self, key: challenge.userId)
                guard AuthState(stored: challenge.state) == .pending else {
                    throw StoreError.signInEnded(id: id, state: AuthState(stored: challenge.state))
                }
                try await Self.end(s, &challenge, state: .failed, reason: reason, user: user, origin: origin, now: now)
                return Self.transaction(challenge, userName: user?.name ?? "?")
            }
            guard
                var phone = try await s.fetchOne(
                    PhoneChallengeRecord.self, "SELECT * FROM phone_challenge WHERE id = ? FOR UPDATE", [id])
            else { throw StoreError.challengeNotFound(id) }
            let user = try await s.record(UserRecord.self, key: phone.userId)
            guard AuthState(stored: phone.state) == .pending else {
                throw StoreError.signInEnded(id: id, state: AuthState(stored: phone.state))
            }
            try await Self.end(s, &phone, state: .failed, reason: reason, user: user, origin: origin, now: now)
            return Self.transaction(phone, userName: user?.name ?? "?")
        }
    }
}
