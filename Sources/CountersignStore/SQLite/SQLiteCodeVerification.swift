import CountersignCore
import Foundation
import GRDB

// One-time codes from the authenticator app, with replay protection and lockout.
extension SQLiteRegistryStore {
    /// Steps either side of now that an app's code may come from (clock drift, slow typing).
    static let appCodeWindow = 1

    public func verifyAppCode(
        user name: String, code: String, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction {
        let transactionId = UUID().uuidString.lowercased()
        let mode = AuthMethod.totp.rawValue
        let outcome: Result<AuthTransaction, AuthRefusal> = try await pool.write { db in
            let user = try UserRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM user WHERE name = ?"), arguments: [name])
            func log(_ result: AuthLogResult, _ outcome: String, _ reason: String?, device: DeviceRecord? = nil) throws
            {
                try Self.appendLog(
                    db,
                    AuthLogLine(
                        user: user, userName: name, deviceToken: device.map { $0.pushToken ?? $0.id }, mode: mode,
                        result: result, outcome: outcome, reason: reason, application: context.application,
                        clientIP: context.clientIP, transactionId: transactionId, relyingParty: relyingParty),
                    origin: origin, now: now)
            }
            func refuse(_ refusal: AuthRefusal) throws -> Result<AuthTransaction, AuthRefusal> {
                try log(.denied, "refused", refusal.description)
                return .failure(refusal)
            }
            func decided(_ state: AuthState, _ reason: String?) -> Result<AuthTransaction, AuthRefusal> {
                .success(
                    AuthTransaction(
                        transactionId: transactionId, user: user?.name ?? name, method: .totp, state: state,
                        number: nil, reason: reason, createdAt: now, deadline: now, answeredAt: now))
            }
            guard let activation = try Self.currentActivation(db) else { return try refuse(.notActivated) }
            guard var user, let userId = user.id else { return try refuse(.unknownUser(name)) }
            guard user.status == UserStatus.enabled.rawValue else { return try refuse(.userDisabled(user.name)) }
            if let lockedUntil = user.lockedUntil, lockedUntil > now { return try refuse(.locked(until: lockedUntil)) }
            // Offline codes from pairings of an earlier activation no longer count.
            let devices = try DeviceRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active'"),
                arguments: [userId, activation.id])
            guard !devices.isEmpty else { return try refuse(.noActivatedDevice(user.name)) }

            for var device in devices {
                let secret = try secrets.open(device.oathSecretSealed, purpose: Self.oathSecretPurpose(device.id))
                // The app's offline codes: SHA-1, 6 digits, 30 s, as pairing hands them out.
                let totp = TOTP(hotp: try HOTP(secret: Array(secret)))
                guard
                    let step = totp.matchingStep(
                        for: code, at: now, window: Self.appCodeWindow,
                        lastUsedStep: device.oathLastStep.map(UInt64.init))
                else { continue }
                device.oathLastStep = Int64(step)
                try device.update(db)
                user.failedAttempts = 0
                try user.update(db)
                try log(.success, AuthState.approved.rawValue, nil, device: device)
                return decided(.approved, nil)
            }

            // A wrong code, or one already used: counted towards the lock.
            let reason = "the code is wrong or was already used"
            user.failedAttempts += 1
            if user.failedAttempts >= policy.maxFailures {
                user.lockedUntil = now.addingTimeInterval(policy.lockDuration(previousLockouts: user.lockouts))
                user.lockouts += 1
                user.failedAttempts = 0
            }
            try user.update(db)
            try log(.denied, AuthState.denied.rawValue, reason)
            return decided(.denied, reason)
        }
        return try outcome.get()
    }

    public func unlockUser(_ name: String) async throws -> UserView {
        try await pool.write { db in
            var record = try Self.userRecord(named: name, db)
            record.failedAttempts = 0
            record.lockedUntil = nil
            record.lockouts = 0
            try record.update(db)
            return try Self.userView(record, db)
        }
    }
}
