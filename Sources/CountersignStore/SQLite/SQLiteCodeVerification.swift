import CountersignCore
import Foundation
import GRDB

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

        guard let spent = try matchOneTimeCode(code, devices: devices, tokens: tokens, now: now) else {
            return .wrong(reason: "the code is wrong or was already used")
        }
        switch spent {
        case .app(let device): try device.update(db)
        case .token(let token): try token.update(db)
        }
        return .matched(credential: spent.credential)
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
            if let refusal = SignInEligibility.refusal(
                requestedName: attempt.userName, user: user.map { ($0.name, UserStatus(stored: $0.status)) })
            {
                return try refuse(refusal)
            }
            guard var user, let userId = user.id else { return try refuse(.unknownUser(attempt.userName)) }
            let lockout = CodeLockout(policy: policy)
            if let refusal = lockout.refusal(user.codeAttemptCounters, now: now) { return try refuse(refusal) }
            // A source that keeps guessing waits, and its early attempts are not even looked at.
            let throttle = CodeThrottle(policy: policy.throttle)
            let source = CodeThrottle.source(client: attempt.relyingParty, clientIP: attempt.context.clientIP)
            let sourceCounters = try Self.sourceCounters(db, userId: userId, source: source)
            if let refusal = throttle.refusal(sourceCounters, now: now) { return try refuse(refusal) }

            let check = try check(user, db)
            let counters = lockout.counters(after: check, from: user.codeAttemptCounters, now: now)
            if counters != user.codeAttemptCounters {
                user.codeAttemptCounters = counters
                try user.update(db)
            }
            let nextSource = throttle.counters(after: check, from: sourceCounters, now: now)
            if nextSource != sourceCounters {
                try Self.saveSourceCounters(db, nextSource, userId: userId, source: source, now: now)
            }
            switch check {
            case .refused(let refusal):
                return try refuse(refusal)
            case .matched(let credential):
                try log(.success, AuthState.approved.rawValue, nil, credential: credential)
                return decided(.approved, nil)
            case .wrong(let reason):
                try log(.denied, AuthState.denied.rawValue, reason)
                return decided(.denied, reason)
            }
        }
        return try outcome.get()
    }

    public func unlockUser(_ name: String) async throws -> User {
        try await pool.write { db in
            var record = try Self.userRecord(named: name, db)
            record.codeAttemptCounters = CodeLockout.unlocked
            // The helpdesk's one lever: a fraud report's push block is lifted with the code lock.
            record.pushBlockedUntil = nil
            try record.update(db)
            try db.execute(sql: "DELETE FROM code_throttle WHERE user_id = ?", arguments: [record.id])
            return try Self.userView(record, db)
        }
    }
}

// The throttle's rows: one per user and source that got a code wrong.
extension SQLiteRegistryStore {
    static func sourceCounters(_ db: Database, userId: Int64, source: String) throws -> SourceCounters {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT failures, wait_until FROM code_throttle WHERE user_id = ? AND source = ?"),
                arguments: [userId, source])
        else { return SourceCounters() }
        return SourceCounters(failures: row["failures"], waitUntil: row["wait_until"])
    }

    /// nil clears the source's row (a right code).
    static func saveSourceCounters(
        _ db: Database, _ counters: SourceCounters?, userId: Int64, source: String, now: Date
    ) throws {
        guard let counters else {
            try db.execute(
                sql: "DELETE FROM code_throttle WHERE user_id = ? AND source = ?", arguments: [userId, source])
            return
        }
        try db.execute(
            sql: """
                INSERT INTO code_throttle (user_id, source, failures, wait_until, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id, source) DO UPDATE SET
                  failures = excluded.failures, wait_until = excluded.wait_until, updated_at = excluded.updated_at
                """, arguments: [userId, source, counters.failures, counters.waitUntil, now])
    }
}
