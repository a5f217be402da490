import CountersignCore
import Foundation
import GRDB

// The helpdesk's view of sign-ins still waiting, and its way to end one.
extension SQLiteRegistryStore {
    public func pendingSignIns(user: String?, limit: Int, now: Date) async throws -> [PendingSignIn] {
        let limit = min(max(limit, 1), Self.maxPendingSignInPage)
        return try await pool.read { db in
            var userId: Int64?
            if let user {
                guard let record = try Self.user(named: user, db) else { throw StoreError.userNotFound(user) }
                userId = record.id
            }
            func waiting<Record: FetchableRecord & TableRecord>(_ type: Record.Type) throws -> [Record] {
                var request = Record.filter(
                    Column("state") == AuthState.pending.rawValue && Column("deadline_at") > now)
                if let userId { request = request.filter(Column("user_id") == userId) }
                return try request.order(Column("created_at"), Column("id")).limit(limit).fetchAll(db)
            }
            let pushes = try waiting(ChallengeRecord.self)
            let phones = try waiting(PhoneChallengeRecord.self)
            let ids = Set(pushes.map(\.userId) + phones.map(\.userId))
            let names = Dictionary(
                try UserRecord.fetchAll(db, keys: Array(ids)).compactMap { user in user.id.map { ($0, user.name) } }
            ) { first, _ in first }
            return Self.oldestFirst(
                pushes.map { Self.pendingSignIn($0, userName: names[$0.userId] ?? "?") },
                phones.map { Self.pendingSignIn($0, userName: names[$0.userId] ?? "?") }, limit: limit)
        }
    }

    public func cancelSignIn(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws
        -> AuthTransaction
    {
        try await pool.write { db in
            if var challenge = try ChallengeRecord.fetchOne(db, key: id) {
                let user = try UserRecord.fetchOne(db, key: challenge.userId)
                guard AuthState(stored: challenge.state) == .pending else {
                    throw StoreError.signInEnded(id: id, state: AuthState(stored: challenge.state))
                }
                try Self.end(db, &challenge, state: .failed, reason: reason, user: user, origin: origin, now: now)
                return Self.transaction(challenge, userName: user?.name ?? "?")
            }
            guard var phone = try PhoneChallengeRecord.fetchOne(db, key: id) else {
                throw StoreError.challengeNotFound(id)
            }
            let user = try UserRecord.fetchOne(db, key: phone.userId)
            guard AuthState(stored: phone.state) == .pending else {
                throw StoreError.signInEnded(id: id, state: AuthState(stored: phone.state))
            }
            try Self.end(db, &phone, state: .failed, reason: reason, user: user, origin: origin, now: now)
            return Self.transaction(phone, userName: user?.name ?? "?")
        }
    }
}
