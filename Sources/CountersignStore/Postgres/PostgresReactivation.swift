import CountersignCore
import Crypto
import Foundation

// Re-activation: a new activation (and server key), and every app pairing made under the old one
// invalidated, in one transaction; every node sees the change with that commit.
extension PostgresRegistryStore {
    public func reactivate(
        providerName: String, force: Bool, serverKey: P256.Signing.PrivateKey, origin: AuthLogOrigin, now: Date
    ) async throws -> (result: ReactivationSummary, endedChallenges: [String]) {
        let id = UUID().uuidString.lowercased()
        let sealedKey = try secrets.seal(serverKey.rawRepresentation, purpose: Self.serverKeyPurpose(id))
        let publicKey = serverKey.publicKey.x963Representation
        // READ COMMITTED, the current activation locked first: the sign-ins deciding under it (which
        // share-lock it) finish before, and every statement after reads what they committed, so
        // their challenges are ended here too; those that come after wait, then see the new one.
        let outcome = try await database.locked { s in
            guard
                var old = try await s.fetchOne(
                    ActivationRecord.self, "SELECT * FROM activation WHERE is_current FOR UPDATE")
            else { throw StoreError.notActivated }
            let provider = try await Self.providerRecord(named: providerName, s)
            let oldProvider = try await s.record(ProviderRecord.self, key: old.providerId)
            var from: ReactivationPlan.Provider?
            if let oldProvider { from = try await Self.planned(oldProvider, s) }
            let plan = try ReactivationPlan.plan(
                from: from, to: try await Self.planned(provider, s), sameProvider: old.providerId == provider.id,
                force: force)
            // The old apps stop working with this commit; their rows are marked by the sweep.
            let counts = try await s.row(
                "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM device WHERE activation_id = ? AND status = 'active'",
                [old.id])
            let devices = try counts?[0].decode(Int.self) ?? 0
            let users = try counts?[1].decode(Int.self) ?? 0
            try await s.execute(
                """
                UPDATE push_outbox SET state = 'cancelled', outcome = ?, completed_at = ?
                WHERE state = 'queued' AND device_id IN (SELECT id FROM device WHERE activation_id = ?)
                """, [Self.reactivatedReason, now, old.id])
            let pending = try await s.fetch(
                ChallengeRecord.self,
                "SELECT * FROM challenge WHERE activation_id = ? AND state = 'pending' FOR UPDATE", [old.id])
            for var challenge in pending {
                let user = try await s.record(UserRecord.self, key: challenge.userId)
                try await Self.end(
                    s, &challenge, state: .failed, reason: Self.reactivatedReason, user: user, origin: origin, now: now)
            }
            // The switch comes after the failed sign-ins' log rows, so that they count for the old provider.
            old.isCurrent = false
            old.supersededAt = now
            try await s.update(old)
            let record = ActivationRecord(
                id: id, providerId: provider.id ?? 0, serverPublicKey: publicKey, serverPrivateKeySealed: sealedKey,
                isCurrent: true, createdAt: now, supersededAt: nil)
            try await s.insert(record)
            if let oldProvider { try await self.carryOver(plan.carryOver, from: oldProvider, to: provider, s) }
            let result = ReactivationSummary(
                activation: Self.activationView(record, providerName: provider.name), previousActivationId: old.id,
                previousProvider: oldProvider?.name ?? "?", usersToRepair: users, devicesInvalidated: devices,
                signInsEnded: pending.count, tenantChanged: plan.tenantChanged,
                carriedOver: plan.carryOver.map(\.rawValue))
            return Reactivated(result: result, ended: pending.map(\.id))
        }
        return (outcome.result, outcome.ended)
    }

    private struct Reactivated: Sendable {
        let result: ReactivationSummary
        let ended: [String]
    }

    static func planned(_ provider: ProviderRecord, _ s: PostgresSession) async throws -> ReactivationPlan.Provider {
        let row = try await s.row(
            "SELECT telephony_settings_sealed IS NOT NULL, push_settings_sealed IS NOT NULL FROM provider WHERE id = ?",
            [provider.id])
        return ReactivationPlan.Provider(
            name: provider.name, tenant: provider.tenant, hasSettings: provider.settings != "{}",
            hasTelephony: try row?[0].decode(Bool.self) ?? false,
            hasPushCredentials: try row?[1].decode(Bool.self) ?? false)
    }

    func carryOver(
        _ parts: [ReactivationPlan.Part], from old: ProviderRecord, to new: ProviderRecord, _ s: PostgresSession
    ) async throws {
        for part in parts {
            let column: String
            let purpose: (String) -> String
            switch part {
            case .settings:
                try await s.execute("UPDATE provider SET settings = ? WHERE id = ?", [old.settings, new.id])
                continue
            case .telephony: (column, purpose) = ("telephony_settings_sealed", Self.telephonySettingsPurpose)
            case .pushCredentials: (column, purpose) = ("push_settings_sealed", Self.pushSettingsPurpose)
            }
            guard let sealed = try await s.value(Data.self, "SELECT \(column) FROM provider WHERE id = ?", [old.id])
            else { continue }
            // Sealed values are bound to their provider's name, so they are opened and sealed again.
            let plain = try secrets.open(sealed, purpose: purpose(old.name))
            try await s.execute(
                "UPDATE provider SET \(column) = ? WHERE id = ?",
                [try secrets.seal(plain, purpose: purpose(new.name)), new.id])
        }
    }

    /// One span of `seq` per batch, as the SQLite store walks rowids: each batch is a short range
    /// scan however many rows earlier ones marked. Any node may run it; a batch done twice changes
    /// nothing the second time.
    public func markSupersededDevices(after cursor: SweepCursor) async throws -> SweepCursor? {
        let from = cursor.position
        let span = Self.supersededSweepSpan
        return try await database.write { s in
            guard let last = try await s.value(Int64.self, "SELECT MAX(seq) FROM device"), from < last else {
                return nil
            }
            try await s.execute(
                """
                UPDATE device SET status = 'invalidated', status_reason = ?,
                  status_changed_at = (SELECT superseded_at FROM activation WHERE activation.id = device.activation_id)
                WHERE seq > ? AND seq <= ? AND status = 'active'
                  AND activation_id IN (SELECT id FROM activation WHERE NOT is_current)
                """, [Self.reactivatedReason, from, from + span])
            return SweepCursor(position: from + span)
        }
    }

    public func repairStatus() async throws -> [RepairProgress] {
        try await database.read { s in
            guard let current = try await Self.currentActivation(s) else { return [] }
            return try await s.rows(
                """
                SELECT u.name,
                  EXISTS (SELECT 1 FROM device AS d WHERE d.user_id = u.id AND d.activation_id = ?
                          AND d.status = 'active') AS repaired
                FROM "user" u WHERE EXISTS (SELECT 1 FROM device WHERE device.user_id = u.id
                  AND ((device.status = 'invalidated' AND device.status_reason = ?)
                    OR (device.status = 'active' AND device.activation_id != ?)))
                ORDER BY u.name
                """, [current.id, Self.reactivatedReason, current.id]
            ).map { RepairProgress(user: try $0[0].decode(String.self), repaired: try $0[1].decode(Bool.self)) }
        }
    }

    public func phoneNumbers(users: [String]) async throws -> [String: String] {
        let wanted = Set(users.map { $0.lowercased() })
        return try await database.read { s in
            var numbers: [String: String] = [:]
            for row in try await s.rows("SELECT name, phone FROM \"user\" WHERE phone IS NOT NULL") {
                let name = try row[0].decode(String.self)
                if wanted.contains(name.lowercased()) { numbers[name] = try row[1].decode(String.self) }
            }
            return numbers
        }
    }
}
