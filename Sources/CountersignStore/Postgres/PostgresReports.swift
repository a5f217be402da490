import CountersignCore
import Foundation

// Usage and billing over the usage counters and the registry.
extension PostgresRegistryStore {
    public func usage(month: ReportMonth, now: Date) async throws -> UsageMonth {
        let start = month.start
        let end = month.end
        return try await database.read { s in
            // The provider linked at the month's end (or now, for the current month) has the users.
            let at = min(end, now)
            let linked = try await s.value(
                Int64.self,
                """
                SELECT provider_id FROM activation WHERE created_at <= ?
                AND (superseded_at IS NULL OR superseded_at >= ?) ORDER BY created_at DESC LIMIT 1
                """, [at, at])
            // Configured for MFA: enabled, existing before the month ended, and holding a factor.
            let users = try await s.row(
                """
                SELECT COUNT(*), COUNT(*) FILTER (WHERE licensed) FROM "user" u
                WHERE created_at < ? AND status = 'enabled' AND (
                  phone IS NOT NULL
                  OR EXISTS (SELECT 1 FROM device WHERE device.user_id = u.id AND device.created_at < ?
                             AND device.status != 'removed')
                  OR EXISTS (SELECT 1 FROM hardware_token WHERE hardware_token.user_id = u.id)
                  OR EXISTS (SELECT 1 FROM app_password WHERE app_password.user_id = u.id))
                """, [end, end])
            let configured = try users?[0].decode(Int.self) ?? 0
            let licensed = try users?[1].decode(Int.self) ?? 0

            var verifications: [String: [VerificationCount]] = [:]
            for row in try await s.rows(
                """
                SELECT provider, mode, result, count FROM usage_count WHERE month = ?
                ORDER BY provider, mode, result
                """, [month.description])
            {
                verifications[try row[0].decode(String.self), default: []].append(
                    VerificationCount(
                        method: try row[1].decode(String.self),
                        result: AuthLogResult(stored: try row[2].decode(String.self)),
                        count: try row[3].decode(Int.self)))
            }
            var sends: [String: [PhoneSendCount]] = [:]
            for row in try await s.rows(
                """
                SELECT COALESCE(provider, ''), country, method, COUNT(*) FROM phone_challenge
                WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """, [start, end])
            {
                sends[try row[0].decode(String.self), default: []].append(
                    PhoneSendCount(
                        country: try row[1].decode(String.self), method: try row[2].decode(String.self),
                        count: try row[3].decode(Int.self)))
            }
            return UsageMonth(
                month: month.description,
                providers: try await s.fetch(ProviderRecord.self, "SELECT * FROM provider ORDER BY name").compactMap {
                    Self.providerMonthUsage(
                        $0, linkedProviderId: linked, configured: configured, licensed: licensed,
                        verifications: verifications[$0.name] ?? [], phoneSends: sends[$0.name] ?? [])
                })
        }
    }

    // MARK: Relying parties

    public func createRelyingParty(id: String, name: String, secretHash: String, now: Date) async throws -> RelyingParty
    {
        try await database.write { s in
            if try await s.value(String.self, "SELECT id FROM relying_party WHERE name = ?", [name]) != nil {
                throw StoreError.clientExists(name)
            }
            let record = RelyingPartyRecord(id: id, name: name, secretHash: secretHash, createdAt: now, lastUsedAt: nil)
            try await s.insert(record)
            return Self.clientView(record)
        }
    }

    public func relyingParties() async throws -> [RelyingParty] {
        try await database.read { s in
            try await s.fetch(RelyingPartyRecord.self, "SELECT * FROM relying_party ORDER BY name").map(Self.clientView)
        }
    }

    public func relyingPartyCredential(id: String) async throws -> (name: String, secretHash: String)? {
        let record = try await database.read { s in try await s.record(RelyingPartyRecord.self, key: id) }
        return record.map { ($0.name, $0.secretHash) }
    }

    public func deleteRelyingParty(name: String) async throws {
        try await database.write { s in
            guard try await s.changes("DELETE FROM relying_party WHERE name = ? RETURNING 1", [name]) > 0 else {
                throw StoreError.clientNotFound(name)
            }
        }
    }

    // MARK: User reset

    public func resetUser(_ name: String, origin: AuthLogOrigin, now: Date) async throws -> UserResetSummary {
        try await database.write { s in
            var user = try await Self.userRecord(named: name, s)
            guard let userId = user.id else { throw StoreError.userNotFound(name) }
            let devices = try await s.changes(
                """
                UPDATE device SET status = 'removed', status_reason = ?, status_changed_at = ?
                WHERE user_id = ? AND status != 'removed' RETURNING 1
                """, [Self.resetReason, now, userId])
            let passwords = try await s.changes("DELETE FROM app_password WHERE user_id = ? RETURNING 1", [userId])
            var ended: [String] = []
            for var challenge in try await s.fetch(
                ChallengeRecord.self, "SELECT * FROM challenge WHERE user_id = ? AND state = 'pending' FOR UPDATE",
                [userId])
            {
                try await Self.end(
                    s, &challenge, state: .failed, reason: Self.resetReason, user: user, origin: origin, now: now)
                ended.append(challenge.id)
            }
            for var challenge in try await s.fetch(
                PhoneChallengeRecord.self,
                "SELECT * FROM phone_challenge WHERE user_id = ? AND state = 'pending' FOR UPDATE", [userId])
            {
                try await Self.end(
                    s, &challenge, state: .failed, reason: Self.resetReason, user: user, origin: origin, now: now)
                ended.append(challenge.id)
            }
            let codes = try await s.changes(
                "DELETE FROM activation_code WHERE user_id = ? AND used_at IS NULL RETURNING 1", [userId])
            try await s.execute("DELETE FROM code_throttle WHERE user_id = ?", [userId])
            user.failedAttempts = 0
            user.lockedUntil = nil
            user.lockouts = 0
            try await s.update(user)
            return UserResetSummary(
                devicesRemoved: devices, appPasswordsDeleted: passwords, pendingSignInsEnded: ended.count,
                activationCodesRevoked: codes, endedSignIns: ended)
        }
    }
}
