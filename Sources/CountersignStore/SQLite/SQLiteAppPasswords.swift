import CountersignCore
import Foundation
import GRDB

// App passwords: created and listed by admins, checked by the auth API where the provider allows them.
extension SQLiteRegistryStore {
    public func createAppPassword(user name: String, name label: String?, passwordHash: String, now: Date)
        async throws -> AppPasswordEntry
    {
        try await pool.write { db in
            let user = try Self.userRecord(named: name, db)
            guard let userId = user.id else { throw StoreError.userNotFound(name) }
            let record = AppPasswordRecord(
                id: UUID().uuidString.lowercased(), userId: userId, name: label, passwordHash: passwordHash,
                createdAt: now, lastUsedAt: nil)
            try record.insert(db)
            return Self.appPasswordView(record)
        }
    }

    public func appPasswords(user name: String) async throws -> [AppPasswordEntry] {
        try await pool.read { db in
            let user = try Self.userRecord(named: name, db)
            return try AppPasswordRecord.filter(Column("user_id") == user.id).order(Column("created_at")).fetchAll(db)
                .map(Self.appPasswordView)
        }
    }

    public func deleteAppPasswords(user name: String) async throws -> Int {
        try await pool.write { db in
            let user = try Self.userRecord(named: name, db)
            return try AppPasswordRecord.filter(Column("user_id") == user.id).deleteAll(db)
        }
    }

    public func deleteAppPassword(user name: String, id: String) async throws {
        try await pool.write { db in
            let user = try Self.userRecord(named: name, db)
            let deleted = try AppPasswordRecord.filter(Column("user_id") == user.id && Column("id") == id).deleteAll(db)
            guard deleted == 1 else { throw StoreError.appPasswordNotFound(user: user.name, id: id) }
        }
    }

    public func appPasswordHashes(user name: String) async throws -> [(id: String, hash: String)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT app_password.id, app_password.password_hash FROM app_password
                    JOIN user ON user.id = app_password.user_id WHERE user.name = ?
                    """, arguments: [name]
            ).map { (id: $0[0], hash: $0[1]) }
        }
    }

    public func verifyAppPassword(
        user name: String, matchedId: String?, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction {
        let attempt = CodeAttempt(userName: name, method: .appPassword, context: context, relyingParty: relyingParty)
        return try await decideCode(attempt, policy: policy, origin: origin, now: now) { user, db in
            guard let provider = try Self.currentProvider(db) else { return .refused(.notActivated) }
            guard try Self.providerSettings(provider).allowAppPasswords else { return .refused(.appPasswordsForbidden) }
            let stored = try AppPasswordRecord.filter(Column("user_id") == user.id).fetchAll(db)
            guard !stored.isEmpty else { return .refused(.noAppPassword(user.name)) }
            // Deleted between the hash comparison and now: no longer valid.
            guard let matchedId, var record = stored.first(where: { $0.id == matchedId }) else {
                return .wrong(reason: "the app password is wrong")
            }
            record.lastUsedAt = now
            try record.update(db)
            return .matched(credential: "app-password:\(record.id)")
        }
    }

    static func currentProvider(_ db: Database) throws -> ProviderRecord? {
        guard let activation = try currentActivation(db) else { return nil }
        return try ProviderRecord.fetchOne(db, key: activation.providerId)
    }

}
