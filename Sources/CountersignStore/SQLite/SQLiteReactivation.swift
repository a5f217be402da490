import CountersignCore
import Crypto
import Foundation
import GRDB

// Re-activation: a new activation (and server key) for a provider, and every app pairing made under
// the old one invalidated, in one transaction.
extension SQLiteRegistryStore {

    public func reactivate(
        providerName: String, force: Bool, serverKey: P256.Signing.PrivateKey, origin: AuthLogOrigin, now: Date
    ) async throws -> (result: ReactivationSummary, endedChallenges: [String]) {
        let id = UUID().uuidString.lowercased()
        let sealedKey = try secrets.seal(serverKey.rawRepresentation, purpose: Self.serverKeyPurpose(id))
        return try await pool.write { db in
            let provider = try Self.providerRecord(named: providerName, db)
            guard var old = try Self.currentActivation(db) else { throw StoreError.notActivated }
            let oldProvider = try Self.cachedRecord(ProviderRecord.self, id: old.providerId, db)
            let plan = try ReactivationPlan.plan(
                from: try oldProvider.map { try Self.planned($0, db) }, to: try Self.planned(provider, db),
                sameProvider: old.providerId == provider.id, force: force)

            // The apps of the old activation stop working with this commit: every check of a device
            // requires its activation to be current. Writing "invalidated" into each row is left to
            // `markSupersededDevices`, in small batches, so that a million rows do not hold the
            // database's one writer (and every SMS verification behind it) for seconds.
            let counts = try Row.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM device WHERE activation_id = ? AND status = 'active'",
                arguments: [old.id])
            let devices: Int = counts?[0] ?? 0
            let users: Int = counts?[1] ?? 0
            // Pushes still queued for those apps would wake phones that can no longer answer.
            try db.execute(
                sql: """
                    UPDATE push_outbox SET state = 'cancelled', outcome = ?, completed_at = ?
                    WHERE state = 'queued' AND device_id IN (SELECT id FROM device WHERE activation_id = ?)
                    """, arguments: [Self.reactivatedReason, now, old.id])

            let pending = try ChallengeRecord.filter(
                Column("activation_id") == old.id && Column("state") == AuthState.pending.rawValue
            ).fetchAll(db)
            for var challenge in pending {
                let user = try Self.cachedRecord(UserRecord.self, id: challenge.userId, db)
                try Self.end(
                    db, &challenge, state: .failed, reason: Self.reactivatedReason, user: user, origin: origin, now: now
                )
            }
            // The switch comes after the failed sign-ins' log rows, so that they count for the old provider.
            old.isCurrent = false
            old.supersededAt = now
            try old.update(db)
            let record = ActivationRecord(
                id: id, providerId: provider.id ?? 0, serverPublicKey: serverKey.publicKey.x963Representation,
                serverPrivateKeySealed: sealedKey, isCurrent: true, createdAt: now, supersededAt: nil)
            try record.insert(db)

            if let oldProvider {
                try Self.carryOver(plan.carryOver, from: oldProvider, to: provider, secrets: secrets, db)
            }
            let result = ReactivationSummary(
                activation: Self.activationView(record, providerName: provider.name), previousActivationId: old.id,
                previousProvider: oldProvider?.name ?? "?", usersToRepair: users, devicesInvalidated: devices,
                signInsEnded: pending.count, tenantChanged: plan.tenantChanged,
                carriedOver: plan.carryOver.map(\.rawValue))
            return (result, pending.map(\.id))
        }
    }

    /// A provider as the re-activation plan sees it: which parts of its configuration it has.
    static func planned(_ provider: ProviderRecord, _ db: Database) throws -> ReactivationPlan.Provider {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT telephony_settings_sealed IS NOT NULL, push_settings_sealed IS NOT NULL
                FROM provider WHERE id = ?
                """, arguments: [provider.id])
        return ReactivationPlan.Provider(
            name: provider.name, tenant: provider.tenant, hasSettings: provider.settings != "{}",
            hasTelephony: row?[0] ?? false, hasPushCredentials: row?[1] ?? false)
    }

    /// Copies the planned parts of the old provider's configuration to the new one.
    static func carryOver(
        _ parts: [ReactivationPlan.Part], from old: ProviderRecord, to new: ProviderRecord, secrets: SecretBox,
        _ db: Database
    ) throws {
        for part in parts {
            let column: String
            let purpose: (String) -> String
            switch part {
            case .settings:
                var target = new
                target.settings = old.settings
                try target.update(db)
                continue
            case .telephony: (column, purpose) = ("telephony_settings_sealed", telephonySettingsPurpose)
            case .pushCredentials: (column, purpose) = ("push_settings_sealed", pushSettingsPurpose)
            }
            guard
                let sealed = try Data.fetchOne(
                    db, sql: "SELECT \(column) FROM provider WHERE id = ?", arguments: [old.id])
            else { continue }
            // Sealed values are bound to their provider's name, so they are opened and sealed again.
            let plain = try secrets.open(sealed, purpose: purpose(old.name))
            try db.execute(
                sql: "UPDATE provider SET \(column) = ? WHERE id = ?",
                arguments: [try secrets.seal(plain, purpose: purpose(new.name)), new.id])
        }
    }

    /// Writes "invalidated (server re-activated)", with the time of the re-activation, into the rows
    /// of superseded apps whose rowid lies in the next span after the cursor. Returns the next cursor,
    /// or nil once past the last row. Walking rowid ranges keeps each batch a short range scan,
    /// however many rows earlier batches already marked.
    public func markSupersededDevices(after cursor: SweepCursor) async throws -> SweepCursor? {
        let from = cursor.position
        let span = Self.supersededSweepSpan
        return try await pool.write { db in
            guard let last = try Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM device"), from < last else {
                return nil
            }
            try db.execute(
                sql: """
                    UPDATE device SET status = 'invalidated', status_reason = ?,
                      status_changed_at = (SELECT superseded_at FROM activation WHERE activation.id = device.activation_id)
                    WHERE rowid > ? AND rowid <= ? AND status = 'active'
                      AND activation_id IN (SELECT id FROM activation WHERE NOT is_current)
                    """, arguments: [Self.reactivatedReason, from, from + span])
            return SweepCursor(position: from + span)
        }
    }

    /// Users whose app pairing a re-activation ended, and whether each has paired again since.
    public func repairStatus() async throws -> [RepairProgress] {
        try await pool.read { db in
            guard let current = try Self.currentActivation(db) else { return [] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT user.name,
                      EXISTS (SELECT 1 FROM device AS d WHERE d.user_id = user.id AND d.activation_id = ?
                              AND d.status = 'active') AS repaired
                    FROM user WHERE EXISTS (SELECT 1 FROM device WHERE device.user_id = user.id
                      AND ((device.status = 'invalidated' AND device.status_reason = ?)
                        OR (device.status = 'active' AND device.activation_id != ?)))
                    ORDER BY user.name
                    """, arguments: [current.id, Self.reactivatedReason, current.id]
            ).map { RepairProgress(user: $0[0], repaired: $0[1]) }
        }
    }

    /// The phone number of each of `users` who has one, for texting campaign codes (one query).
    public func phoneNumbers(users: [String]) async throws -> [String: String] {
        let wanted = Set(users.map { $0.lowercased() })
        return try await pool.read { db in
            var numbers: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT name, phone FROM user WHERE phone IS NOT NULL")
            while let row = try rows.next() {
                let name: String = row[0]
                if wanted.contains(name.lowercased()) { numbers[name] = row[1] }
            }
            return numbers
        }
    }

    /// What `method auto` means for the user now (`AutoMethodRule`), from whether an app is paired
    /// under the current activation, the user's push block and phone number.
    public func defaultMethod(user name: String, now: Date) async throws -> AuthMethod {
        try await pool.read { db in
            guard let user = try Self.user(named: name, db), let userId = user.id,
                let activation = try Self.currentActivation(db)
            else { return .push }
            let paired =
                try Bool.fetchOne(
                    db,
                    sql:
                        "SELECT EXISTS (SELECT 1 FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active')",
                    arguments: [userId, activation.id]) ?? false
            return AutoMethodRule.method(
                pairedApps: paired, pushBlockedUntil: user.pushBlockedUntil, hasPhone: user.phone != nil, now: now)
        }
    }
}
