import CountersignCore
import Foundation
import GRDB

// The FAQ's answer for a user who cannot get in: clear what they registered so they start again.
extension SQLiteRegistryStore {

    /// In one transaction: removes the user's paired apps, deletes their app passwords, ends their
    /// pending sign-ins (push, SMS, voice) as failed with log rows, revokes unused activation codes,
    /// and lifts any code lock. Hardware tokens stay assigned: they are physical and still in hand.
    public func resetUser(_ name: String, origin: AuthLogOrigin, now: Date) async throws -> UserResetSummary {
        try await pool.write { db in
            var user = try Self.userRecord(named: name, db)
            guard let userId = user.id else { throw StoreError.userNotFound(name) }
            try db.execute(
                sql: """
                    UPDATE device SET status = 'removed', status_reason = ?, status_changed_at = ?
                    WHERE user_id = ? AND status != 'removed'
                    """, arguments: [Self.resetReason, now, userId])
            let devices = db.changesCount
            let passwords = try AppPasswordRecord.filter(Column("user_id") == userId).deleteAll(db)

            var ended: [String] = []
            let pushes = try ChallengeRecord.filter(
                Column("user_id") == userId && Column("state") == AuthState.pending.rawValue
            ).fetchAll(db)
            for var challenge in pushes {
                try Self.end(
                    db, &challenge, state: .failed, reason: Self.resetReason, user: user, origin: origin, now: now)
                ended.append(challenge.id)
            }
            let phones = try PhoneChallengeRecord.filter(
                Column("user_id") == userId && Column("state") == AuthState.pending.rawValue
            ).fetchAll(db)
            for var challenge in phones {
                try Self.end(
                    db, &challenge, state: .failed, reason: Self.resetReason, user: user, origin: origin, now: now)
                ended.append(challenge.id)
            }
            try db.execute(
                sql: "DELETE FROM activation_code WHERE user_id = ? AND used_at IS NULL", arguments: [userId])
            let codes = db.changesCount

            try db.execute(sql: "DELETE FROM code_throttle WHERE user_id = ?", arguments: [userId])
            user.failedAttempts = 0
            user.lockedUntil = nil
            user.lockouts = 0
            try user.update(db)
            return UserResetSummary(
                devicesRemoved: devices, appPasswordsDeleted: passwords, pendingSignInsEnded: ended.count,
                activationCodesRevoked: codes, endedSignIns: ended)
        }
    }
}
