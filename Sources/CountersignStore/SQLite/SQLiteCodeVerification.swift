import CountersignCore
import Foundation
import GRDB

/// What a code method found when it checked a code.
enum CodeCheck {
    /// The code was right; `credential` names what it came from (device token, token serial).
    case matched(credential: String?)
    /// The code was wrong, or was already used: counted towards the lock.
    case wrong(reason: String)
    /// The method cannot be used for this user at all; not counted.
    case refused(AuthRefusal)
}

/// One code attempt as the relying party sent it.
struct CodeAttempt: Sendable {
    var userName: String
    var method: AuthMethod
    var context: AuthContext
    var relyingParty: String
    var transactionId = UUID().uuidString.lowercased()
}

// One-time codes (the app's offline codes and hardware tokens), with replay protection and lockout.
extension SQLiteRegistryStore {
    /// Steps either side of now that a TOTP code may come from (clock drift, slow typing).
    static let appCodeWindow = 1

    public func verifyOneTimeCode(
        user name: String, code: String, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction {
        let attempt = CodeAttempt(userName: name, method: .totp, context: context, relyingParty: relyingParty)
        return try await decideCode(attempt, policy: policy, origin: origin, now: now) { user, db in
            try self.checkOneTimeCode(code, user: user, db: db, now: now)
        }
    }

    /// Checks the code against every app paired under the current activation and every hardware
    /// token assigned to the user; the first match is spent.
    func checkOneTimeCode(_ code: String, user: UserRecord, db: Database, now: Date) throws -> CodeCheck {
        guard let userId = user.id else { return .refused(.unknownUser(user.name)) }
        // Offline codes from pairings of an earlier activation no longer count; tokens do not depend on it.
        let devices: [DeviceRecord]
        if let activation = try Self.currentActivation(db) {
            devices = try DeviceRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active'"),
                arguments: [userId, activation.id])
        } else {
            devices = []
        }
        let tokens = try HardwareTokenRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM hardware_token WHERE user_id = ?"), arguments: [userId])
        guard !devices.isEmpty || !tokens.isEmpty else { return .refused(.noCodeGenerator(user.name)) }

        for var device in devices {
            let secret = try secrets.open(device.oathSecretSealed, purpose: Self.oathSecretPurpose(device.id))
            // The app's offline codes: SHA-1, 6 digits, 30 s, as pairing hands them out.
            let totp = TOTP(hotp: try HOTP(secret: Array(secret)))
            guard
                let step = totp.matchingStep(
                    for: code, at: now, window: Self.appCodeWindow, lastUsedStep: device.oathLastStep.map(UInt64.init))
            else { continue }
            device.oathLastStep = Int64(step)
            try device.update(db)
            return .matched(credential: device.pushToken ?? device.id)
        }
        for var token in tokens where try acceptTokenCode(code, token: &token, now: now) {
            try token.update(db)
            return .matched(credential: "token:\(token.serial)")
        }
        return .wrong(reason: "the code is wrong or was already used")
    }

    /// The frame every code method shares, in one transaction: find the user, refuse a disabled or
    /// locked one, run the method's check, count a wrong code towards the lock (a success clears the
    /// count), and write the auth-log row. A refusal is thrown as `AuthRefusal` after its row commits.
    func decideCode(
        _ attempt: CodeAttempt, policy: LockoutPolicy, origin: AuthLogOrigin, now: Date,
        check: @escaping @Sendable (UserRecord, Database) throws -> CodeCheck
    ) async throws -> AuthTransaction {
        let outcome: Result<AuthTransaction, AuthRefusal> = try await pool.write { db in
            let user = try Self.user(named: attempt.userName, db)
            func log(_ result: AuthLogResult, _ outcome: String, _ reason: String?, credential: String? = nil) throws {
                try Self.appendLog(
                    db,
                    AuthLogLine(
                        user: user, userName: attempt.userName, deviceToken: credential, mode: attempt.method.rawValue,
                        result: result, outcome: outcome, reason: reason, application: attempt.context.application,
                        clientIP: attempt.context.clientIP, transactionId: attempt.transactionId,
                        relyingParty: attempt.relyingParty),
                    origin: origin, now: now)
            }
            func refuse(_ refusal: AuthRefusal) throws -> Result<AuthTransaction, AuthRefusal> {
                try Self.logRefusal(
                    db, refusal, user: user, userName: attempt.userName, mode: attempt.method,
                    application: attempt.context.application, clientIP: attempt.context.clientIP,
                    transactionId: attempt.transactionId, relyingParty: attempt.relyingParty, origin: origin, now: now)
                return .failure(refusal)
            }
            func decided(_ state: AuthState, _ reason: String?) -> Result<AuthTransaction, AuthRefusal> {
                .success(
                    AuthTransaction(
                        transactionId: attempt.transactionId, user: user?.name ?? attempt.userName,
                        method: attempt.method, state: state, number: nil, reason: reason, createdAt: now,
                        deadline: now, answeredAt: now))
            }
            guard var user else { return try refuse(.unknownUser(attempt.userName)) }
            guard user.status == UserStatus.enabled.rawValue else { return try refuse(.userDisabled(user.name)) }
            if let lockedUntil = user.lockedUntil, lockedUntil > now { return try refuse(.locked(until: lockedUntil)) }

            switch try check(user, db) {
            case .refused(let refusal):
                return try refuse(refusal)
            case .matched(let credential):
                if user.failedAttempts != 0 {
                    user.failedAttempts = 0
                    try user.update(db)
                }
                try log(.success, AuthState.approved.rawValue, nil, credential: credential)
                return decided(.approved, nil)
            case .wrong(let reason):
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
