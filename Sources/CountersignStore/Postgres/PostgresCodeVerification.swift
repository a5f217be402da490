import CountersignCore
import Foundation

// One-time codes (the app's offline codes and hardware tokens), app passwords and hardware tokens.
extension PostgresRegistryStore {
    public func verifyOneTimeCode(
        user name: String, code: String, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction {
        let attempt = CodeAttempt(userName: name, method: .totp, context: context, relyingParty: relyingParty)
        return try await decideCode(attempt, policy: policy, origin: origin, now: now) { user, s in
            try await self.checkOneTimeCode(code, user: user, s, now: now)
        }
    }

    /// Checks the code against every app paired under the current activation and every hardware
    /// token assigned to the user; the first match is spent.
    func checkOneTimeCode(_ code: String, user: UserRecord, _ s: PostgresSession, now: Date) async throws -> CodeCheck {
        guard let userId = user.id else { return .refused(.unknownUser(user.name)) }
        let devices: [DeviceRecord]
        if let activation = try await Self.currentActivationShared(s) {
            devices = try await s.fetch(
                DeviceRecord.self,
                "SELECT * FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active' ORDER BY seq FOR UPDATE",
                [userId, activation.id])
        } else {
            devices = []
        }
        let tokens = try await s.fetch(
            HardwareTokenRecord.self, "SELECT * FROM hardware_token WHERE user_id = ? ORDER BY serial FOR UPDATE",
            [userId])
        guard !devices.isEmpty || !tokens.isEmpty else { return .refused(.noCodeGenerator(user.name)) }
        guard let spent = try matchOneTimeCode(code, devices: devices, tokens: tokens, now: now) else {
            return .wrong(reason: "the code is wrong or was already used")
        }
        switch spent {
        case .app(let device): try await s.update(device)
        case .token(let token): try await s.update(token)
        }
        return .matched(credential: spent.credential)
    }

    /// The frame every code method shares, in one transaction (see the SQLite store's): the user's
    /// row is locked first, so the wrong-code count and the spent marks of two nodes add up.
    func decideCode(
        _ attempt: CodeAttempt, policy: LockoutPolicy, origin: AuthLogOrigin, now: Date,
        check: @escaping @Sendable (UserRecord, PostgresSession) async throws -> CodeCheck
    ) async throws -> AuthTransaction {
        let outcome: Result<AuthTransaction, AuthRefusal> = try await database.locked { s in
            let user = try await s.fetchOne(
                UserRecord.self, "SELECT * FROM \"user\" WHERE name = ? FOR UPDATE", [attempt.userName])
            func log(_ result: AuthLogResult, _ outcome: String, _ reason: String?, credential: String? = nil)
                async throws
            {
                try await Self.appendLog(
                    s,
                    AuthLogLine(
                        user: user, userName: attempt.userName, deviceToken: credential, mode: attempt.method.rawValue,
                        result: result, outcome: outcome, reason: reason, application: attempt.context.application,
                        clientIP: attempt.context.clientIP, transactionId: attempt.transactionId,
                        relyingParty: attempt.relyingParty),
                    origin: origin, now: now)
            }
            func refuse(_ refusal: AuthRefusal) async throws -> Result<AuthTransaction, AuthRefusal> {
                try await Self.logRefusal(
                    s, refusal, user: user, userName: attempt.userName, mode: attempt.method,
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
                return try await refuse(refusal)
            }
            guard var user, let userId = user.id else { return try await refuse(.unknownUser(attempt.userName)) }
            let lockout = CodeLockout(policy: policy)
            if let refusal = lockout.refusal(user.codeAttemptCounters, now: now) { return try await refuse(refusal) }
            // A source that keeps guessing waits, and its early attempts are not even looked at. The
            // user's row is locked, so two nodes count one source's attempts one after the other.
            let throttle = CodeThrottle(policy: policy.throttle)
            let source = CodeThrottle.source(client: attempt.relyingParty, clientIP: attempt.context.clientIP)
            let sourceCounters = try await Self.sourceCounters(s, userId: userId, source: source)
            if let refusal = throttle.refusal(sourceCounters, now: now) { return try await refuse(refusal) }
            let check = try await check(user, s)
            let counters = lockout.counters(after: check, from: user.codeAttemptCounters, now: now)
            if counters != user.codeAttemptCounters {
                user.codeAttemptCounters = counters
                try await s.update(user)
            }
            let nextSource = throttle.counters(after: check, from: sourceCounters, now: now)
            if nextSource != sourceCounters {
                try await Self.saveSourceCounters(s, nextSource, userId: userId, source: source, now: now)
            }
            switch check {
            case .refused(let refusal):
                return try await refuse(refusal)
            case .matched(let credential):
                try await log(.success, AuthState.approved.rawValue, nil, credential: credential)
                return decided(.approved, nil)
            case .wrong(let reason):
                try await log(.denied, AuthState.denied.rawValue, reason)
                return decided(.denied, reason)
            }
        }
        return try outcome.get()
    }

    // MARK: App passwords

    public func createAppPassword(user name: String, name label: String?, passwordHash: String, now: Date)
        async throws -> AppPasswordEntry
    {
        try await database.write { s in
            let user = try await Self.userRecord(named: name, s)
            guard let userId = user.id else { throw StoreError.userNotFound(name) }
            let record = AppPasswordRecord(
                id: UUID().uuidString.lowercased(), userId: userId, name: label, passwordHash: passwordHash,
                createdAt: now, lastUsedAt: nil)
            try await s.insert(record)
            return Self.appPasswordView(record)
        }
    }

    public func appPasswords(user name: String) async throws -> [AppPasswordEntry] {
        try await database.read { s in
            let user = try await Self.userRecord(named: name, s)
            return try await s.fetch(
                AppPasswordRecord.self, "SELECT * FROM app_password WHERE user_id = ? ORDER BY created_at, id",
                [user.id]
            ).map(Self.appPasswordView)
        }
    }

    public func deleteAppPasswords(user name: String) async throws -> Int {
        try await database.write { s in
            let user = try await Self.userRecord(named: name, s)
            return try await s.changes("DELETE FROM app_password WHERE user_id = ? RETURNING 1", [user.id])
        }
    }

    public func deleteAppPassword(user name: String, id: String) async throws {
        try await database.write { s in
            let user = try await Self.userRecord(named: name, s)
            let deleted = try await s.changes(
                "DELETE FROM app_password WHERE user_id = ? AND id = ? RETURNING 1", [user.id, id])
            guard deleted == 1 else { throw StoreError.appPasswordNotFound(user: user.name, id: id) }
        }
    }

    public func appPasswordHashes(user name: String) async throws -> [(id: String, hash: String)] {
        try await database.read { s in
            try await s.rows(
                """
                SELECT app_password.id, app_password.password_hash FROM app_password
                JOIN "user" ON "user".id = app_password.user_id WHERE "user".name = ?
                """, [name]
            ).map { PasswordHash(id: try $0[0].decode(String.self), hash: try $0[1].decode(String.self)) }
        }.map { (id: $0.id, hash: $0.hash) }
    }

    private struct PasswordHash: Sendable {
        let id: String
        let hash: String
    }

    public func verifyAppPassword(
        user name: String, matchedId: String?, context: AuthContext, relyingParty: String, policy: LockoutPolicy,
        origin: AuthLogOrigin, now: Date
    ) async throws -> AuthTransaction {
        let attempt = CodeAttempt(userName: name, method: .appPassword, context: context, relyingParty: relyingParty)
        return try await decideCode(attempt, policy: policy, origin: origin, now: now) { user, s in
            guard let provider = try await Self.currentProvider(s) else { return .refused(.notActivated) }
            guard try Self.providerSettings(provider).allowAppPasswords else { return .refused(.appPasswordsForbidden) }
            let stored = try await s.fetch(
                AppPasswordRecord.self, "SELECT * FROM app_password WHERE user_id = ?", [user.id])
            guard !stored.isEmpty else { return .refused(.noAppPassword(user.name)) }
            // Deleted between the hash comparison and now: no longer valid.
            guard let matchedId, var record = stored.first(where: { $0.id == matchedId }) else {
                return .wrong(reason: "the app password is wrong")
            }
            record.lastUsedAt = now
            try await s.update(record)
            return .matched(credential: "app-password:\(record.id)")
        }
    }

    // MARK: Hardware tokens

    public func importTokens(_ seeds: [TokenSeed], now: Date) async throws -> Int {
        // Seal outside the transaction: it is the slow part, and needs no database.
        let records = try tokenRecords(seeds, now: now)
        return try await database.write { s in
            // Checked first, so the refusal names the serial; the transaction then rolls back and
            // nothing from this import is kept.
            try await Self.refuseStoredSerials(records.map(\.serial), s)
            for batch in Self.batches(of: records) {
                try await s.execute(
                    """
                    INSERT INTO hardware_token
                      (serial, kind, algorithm, digits, period, counter, secret_sealed, imported_at)
                    SELECT serial, kind, algorithm, digits, period, counter, decode(secret, 'base64'), ?
                    FROM \(Self.unnestedTokens)
                    """, [now] + Self.columns(of: batch))
            }
            return records.count
        }
    }

    // MARK: Imports in parts

    public func beginTokenImport(id: String, now: Date, expiresAt: Date) async throws {
        try await database.write { s in
            try await s.execute("DELETE FROM token_import WHERE expires_at < ?", [now])
            try await s.execute(
                "INSERT INTO token_import (id, created_at, expires_at) VALUES (?, ?, ?)", [id, now, expiresAt])
        }
    }

    public func stageTokens(_ seeds: [TokenSeed], importId: String, now: Date) async throws -> Int {
        let records = try tokenRecords(seeds, now: now)
        return try await database.write { s in
            try await Self.requireOpenImport(importId, now: now, s)
            let serials = records.map(\.serial)
            if let twice = try await s.value(
                String.self,
                "SELECT serial FROM token_import_token WHERE import_id = ? AND serial = ANY(?) ORDER BY serial LIMIT 1",
                [importId, serials])
            {
                // Named as this part spells it, as SQLite's refusal does.
                throw StoreError.tokenStagedTwice(serials.first { $0.lowercased() == twice.lowercased() } ?? twice)
            }
            for batch in Self.batches(of: records) {
                try await s.execute(
                    """
                    INSERT INTO token_import_token
                      (import_id, serial, kind, algorithm, digits, period, counter, secret_sealed)
                    SELECT ?, serial, kind, algorithm, digits, period, counter, decode(secret, 'base64')
                    FROM \(Self.unnestedTokens)
                    """, [importId] + Self.columns(of: batch))
            }
            return try await s.value(
                Int.self, "SELECT COUNT(*) FROM token_import_token WHERE import_id = ?", [importId]) ?? 0
        }
    }

    public func commitTokenImport(id: String, now: Date) async throws -> Int {
        try await database.write { s in
            try await Self.requireOpenImport(id, now: now, s)
            if let taken = try await s.value(
                String.self,
                """
                SELECT staged.serial FROM token_import_token AS staged
                JOIN hardware_token ON hardware_token.serial = staged.serial
                WHERE staged.import_id = ? ORDER BY staged.serial LIMIT 1
                """, [id])
            {
                throw StoreError.tokenExists(taken)
            }
            let stored = try await s.value(
                Int.self,
                """
                WITH moved AS (
                  INSERT INTO hardware_token
                    (serial, kind, algorithm, digits, period, counter, secret_sealed, imported_at)
                  SELECT serial, kind, algorithm, digits, period, counter, secret_sealed, ?
                  FROM token_import_token WHERE import_id = ? RETURNING 1)
                SELECT COUNT(*) FROM moved
                """, [now, id])
            try await s.execute("DELETE FROM token_import WHERE id = ?", [id])
            return stored ?? 0
        }
    }

    public func abandonTokenImport(id: String) async throws {
        try await database.write { s in
            guard try await s.changes("DELETE FROM token_import WHERE id = ? RETURNING 1", [id]) > 0 else {
                throw StoreError.tokenImportNotFound(id)
            }
        }
    }

    static func requireOpenImport(_ id: String, now: Date, _ s: PostgresSession) async throws {
        guard
            try await s.value(Int.self, "SELECT 1 FROM token_import WHERE id = ? AND expires_at >= ?", [id, now])
                != nil
        else { throw StoreError.tokenImportNotFound(id) }
    }

    static func refuseStoredSerials(_ serials: [String], _ s: PostgresSession) async throws {
        if let taken = try await s.value(
            String.self, "SELECT serial FROM hardware_token WHERE serial = ANY(?) ORDER BY serial LIMIT 1", [serials])
        {
            throw StoreError.tokenExists(taken)
        }
    }

    /// Tokens as rows from one array per column: thousands of rows in one statement, where a
    /// statement per token would cost a round trip each.
    static let unnestedTokens = """
        UNNEST(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])
          AS t(serial, kind, algorithm, digits, period, counter, secret)
        """

    static func columns(of batch: ArraySlice<HardwareTokenRecord>) -> [SQLValue] {
        [
            batch.map(\.serial), batch.map(\.kind), batch.map(\.algorithm), batch.map { Int64($0.digits) },
            batch.map { Int64($0.period) }, batch.map(\.counter), batch.map { $0.secretSealed.base64EncodedString() },
        ]
    }

    static func batches(of records: [HardwareTokenRecord]) -> [ArraySlice<HardwareTokenRecord>] {
        stride(from: 0, to: records.count, by: 5000).map { records[$0..<min(records.count, $0 + 5000)] }
    }

    public func tokens(user: String?, page: PageRequest) async throws -> Page<HardwareToken> {
        try await database.read { s in
            var sql = """
                SELECT hardware_token.*, "user".name AS user_name FROM hardware_token
                LEFT JOIN "user" ON "user".id = hardware_token.user_id WHERE TRUE
                """
            var values: [SQLValue] = []
            if let user {
                _ = try await Self.userRecord(named: user, s)
                sql += " AND \"user\".name = ?"
                values.append(user)
            }
            if let after = page.after {
                sql += " AND hardware_token.serial > ?"
                values.append(after)
            }
            sql += " ORDER BY hardware_token.serial LIMIT ?"
            values.append(page.limit + 1)
            let rows = try await s.rows(sql, values).map { row in
                Self.tokenView(
                    try HardwareTokenRecord(from: PostgresRowDecoder(row: row)),
                    userName: try row["user_name"].decode(String?.self))
            }
            return page.page(of: rows, key: \.serial)
        }
    }

    public func assignToken(serial: String, user name: String) async throws -> HardwareToken {
        try await database.write { s in
            var token = try await Self.tokenRecord(serial: serial, s)
            let user = try await Self.userRecord(named: name, s)
            if let current = token.userId, current != user.id {
                let holder = try await s.record(UserRecord.self, key: current)
                throw StoreError.tokenAssigned(serial: token.serial, user: holder?.name ?? "?")
            }
            token.userId = user.id
            try await s.update(token)
            return Self.tokenView(token, userName: user.name)
        }
    }

    public func unassignToken(serial: String) async throws -> HardwareToken {
        try await database.write { s in
            var token = try await Self.tokenRecord(serial: serial, s)
            token.userId = nil
            try await s.update(token)
            return Self.tokenView(token, userName: nil)
        }
    }

    public func deleteToken(serial: String) async throws {
        try await database.write { s in try await s.delete(try await Self.tokenRecord(serial: serial, s)) }
    }

    static func tokenRecord(serial: String, _ s: PostgresSession) async throws -> HardwareTokenRecord {
        guard let record = try await s.record(HardwareTokenRecord.self, key: serial) else {
            throw StoreError.tokenNotFound(serial)
        }
        return record
    }
}

// The throttle's rows: one per user and source that got a code wrong.
extension PostgresRegistryStore {
    static func sourceCounters(_ s: PostgresSession, userId: Int64, source: String) async throws -> SourceCounters {
        guard
            let row = try await s.row(
                "SELECT failures, wait_until FROM code_throttle WHERE user_id = ? AND source = ?", [userId, source])
        else { return SourceCounters() }
        return SourceCounters(failures: try row[0].decode(Int.self), waitUntil: try row[1].decode(Date?.self))
    }

    /// nil clears the source's row (a right code).
    static func saveSourceCounters(
        _ s: PostgresSession, _ counters: SourceCounters?, userId: Int64, source: String, now: Date
    ) async throws {
        guard let counters else {
            try await s.later("DELETE FROM code_throttle WHERE user_id = ? AND source = ?", [userId, source])
            return
        }
        try await s.later(
            """
            INSERT INTO code_throttle (user_id, source, failures, wait_until, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id, source) DO UPDATE SET
              failures = excluded.failures, wait_until = excluded.wait_until, updated_at = excluded.updated_at
            """, [userId, source, counters.failures, counters.waitUntil, now])
    }
}
