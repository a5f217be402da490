import CountersignCore
import Foundation
import GRDB

// SMS codes and voice calls: started, verified or answered, and ended at their deadline.
extension SQLiteRegistryStore {

    public func startPhoneChallenge(
        _ challenge: NewPhoneChallenge, limits: PhoneLimits, origin: AuthLogOrigin, now: Date
    ) async throws -> PhoneDelivery {
        let secretHash = secrets.keyedHash(challenge.secret, purpose: Self.phoneSecretPurpose(challenge.transactionId))
        let outcome: Result<PhoneDelivery, AuthRefusal> = try await pool.write { db in
            let user = try Self.user(named: challenge.user, db)
            func refuse(_ refusal: AuthRefusal) throws -> Result<PhoneDelivery, AuthRefusal> {
                try Self.logRefusal(
                    db, refusal, user: user, userName: challenge.user, mode: challenge.method,
                    application: challenge.context.application, clientIP: challenge.context.clientIP,
                    transactionId: challenge.transactionId, relyingParty: challenge.relyingParty, origin: origin,
                    now: now)
                return .failure(refusal)
            }
            if let refusal = SignInEligibility.refusal(
                requestedName: challenge.user, user: user.map { ($0.name, UserStatus(stored: $0.status)) })
            {
                return try refuse(refusal)
            }
            guard let user, let userId = user.id else { return try refuse(.unknownUser(challenge.user)) }
            // Load what the send rule looks at, let it decide, then write.
            let rule = PhoneSendRule(limits: limits)
            var route: PhoneSendRule.Route?
            var telephony: TelephonySettings?
            if let provider = try Self.currentProvider(db) {
                telephony = try Self.telephonySettings(provider, secrets: secrets, db)
                route = PhoneSendRule.Route(
                    provider: provider.name, hasGateway: !(telephony?.gateways.isEmpty ?? true),
                    settings: try Self.providerSettings(provider))
            }
            let recent = try Date.fetchAll(
                db.cachedStatement(sql: "SELECT created_at FROM phone_challenge WHERE user_id = ? AND created_at > ?"),
                arguments: [userId, rule.windowStart(now: now)])
            let send: PhoneSendRule.Send
            switch rule.decide(
                method: challenge.method,
                recipient: .init(
                    name: user.name, phone: user.phone, country: user.country, lockedUntil: user.lockedUntil),
                route: route, recentSends: recent, rotation: challenge.senderRotation, now: now)
            {
            case .failure(let refusal): return try refuse(refusal)
            case .success(let admitted): send = admitted
            }
            guard let telephony, let provider = route?.provider else { return try refuse(.notActivated) }

            if send.replacesPendingCodes {
                let replaced = try PhoneChallengeRecord.filter(
                    Column("user_id") == userId && Column("method") == AuthMethod.sms.rawValue
                        && Column("state") == AuthState.pending.rawValue
                ).fetchAll(db)
                for var old in replaced {
                    try Self.end(
                        db, &old, state: .failed, reason: "replaced by a newer code", user: user, origin: origin,
                        now: now)
                }
            }
            let record = PhoneChallengeRecord(
                starting: challenge, userId: userId, secretHash: secretHash, send: send, provider: provider, now: now)
            try record.insert(db)
            return .success(
                PhoneDelivery(
                    transaction: Self.transaction(record, userName: user.name), phone: send.phone,
                    country: send.country, sender: send.sender, telephony: telephony))
        }
        return try outcome.get()
    }

    public func failPhoneChallenge(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws {
        try await pool.write { db in
            guard var record = try PhoneChallengeRecord.fetchOne(db, key: id),
                record.state == AuthState.pending.rawValue
            else { return }
            let user = try Self.cachedRecord(UserRecord.self, id: record.userId, db)
            try Self.end(db, &record, state: .failed, reason: reason, user: user, origin: origin, now: now)
        }
    }

    public func verifySMSCode(
        transactionId: String, relyingParty: String, code: String, policy: LockoutPolicy, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction {
        let found = try await pool.read { db -> (PhoneChallengeRecord, String)? in
            guard let record = try PhoneChallengeRecord.fetchOne(db, key: transactionId),
                record.method == AuthMethod.sms.rawValue,
                record.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame,
                let user = try UserRecord.fetchOne(db, key: record.userId)
            else { return nil }
            return (record, user.name)
        }
        guard let (started, userName) = found else { throw StoreError.challengeNotFound(transactionId) }
        let attempt = CodeAttempt(
            userName: userName, method: .sms,
            context: AuthContext(application: started.application, clientIP: started.clientIp),
            relyingParty: relyingParty, transactionId: transactionId)
        let expected = started.secretHash
        let candidate = secrets.keyedHash(code, purpose: Self.phoneSecretPurpose(transactionId))
        let decided = try await decideCode(attempt, policy: policy, origin: origin, now: now) { user, db in
            guard var record = try PhoneChallengeRecord.fetchOne(db, key: transactionId) else {
                return .refused(.codeNotPending(state: .failed))
            }
            guard record.state == AuthState.pending.rawValue else {
                return .refused(.codeNotPending(state: AuthState(stored: record.state)))
            }
            guard record.deadlineAt > now else {
                record.state = AuthState.timeout.rawValue
                record.reason = Self.smsExpiredReason
                record.answeredAt = now
                try record.update(db)
                return .refused(.codeExpired)
            }
            guard ConstantTime.equals(Array(candidate.utf8), Array(expected.utf8)) else {
                return .wrong(reason: "the SMS code is wrong")
            }
            // Spent: the same code never works twice.
            record.state = AuthState.approved.rawValue
            record.answeredAt = now
            try record.update(db)
            return .matched(credential: nil)
        }
        var transaction = decided
        transaction.createdAt = started.createdAt
        transaction.deadline = started.deadlineAt
        return transaction
    }

    public func answerVoiceCall(
        transactionId: String, token: String, digits: String, fraudBlock: TimeInterval, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction {
        let candidate = secrets.keyedHash(token, purpose: Self.phoneSecretPurpose(transactionId))
        return try await pool.write { db in
            // A wrong token is as unknown as a made-up call.
            guard var record = try PhoneChallengeRecord.fetchOne(db, key: transactionId),
                record.method == AuthMethod.voice.rawValue,
                ConstantTime.equals(Array(candidate.utf8), Array(record.secretHash.utf8))
            else { throw StoreError.challengeNotFound(transactionId) }
            var user = try Self.cachedRecord(UserRecord.self, id: record.userId, db)
            guard record.state == AuthState.pending.rawValue else {
                return Self.transaction(record, userName: user?.name ?? "?")
            }
            let decision = VoiceAnswerRule.decide(
                digits: digits, deadline: record.deadlineAt, fraudBlock: fraudBlock, now: now)
            if let blockPushUntil = decision.blockPushUntil, user != nil {
                user?.pushBlockedUntil = blockPushUntil
                try user?.update(db)
            }
            try Self.end(
                db, &record, state: decision.state, reason: decision.reason, user: user, origin: origin, now: now)
            return Self.transaction(record, userName: user?.name ?? "?")
        }
    }

    public func setTelephonySettings(_ settings: TelephonySettings?, provider: String) async throws {
        let sealed = try settings.map {
            try secrets.seal(try JSONEncoder().encode($0), purpose: Self.telephonySettingsPurpose(provider))
        }
        try await pool.write { db in
            _ = try Self.providerRecord(named: provider, db)
            try db.execute(
                sql: "UPDATE provider SET telephony_settings_sealed = ? WHERE name = ?", arguments: [sealed, provider])
        }
    }

    public func telephonySettings(provider: String) async throws -> TelephonySettings? {
        try await pool.read { db in
            try Self.telephonySettings(try Self.providerRecord(named: provider, db), secrets: secrets, db)
        }
    }

    static func telephonySettings(_ provider: ProviderRecord, secrets: SecretBox, _ db: Database) throws
        -> TelephonySettings?
    {
        guard let id = provider.id else { return nil }
        let sealed = try Data.fetchOne(
            db, sql: "SELECT telephony_settings_sealed FROM provider WHERE id = ?", arguments: [id])
        guard let sealed else { return nil }
        let json = try secrets.open(sealed, purpose: telephonySettingsPurpose(provider.name))
        return try JSONDecoder().decode(TelephonySettings.self, from: json)
    }

    // MARK: Ending

    /// Ends pending phone challenges past their deadline as timeouts, with their log rows.
    static func expirePhoneChallenges(_ db: Database, origin: AuthLogOrigin, now: Date) throws -> [String] {
        let overdue = try PhoneChallengeRecord.filter(
            Column("state") == AuthState.pending.rawValue && Column("deadline_at") <= now
        ).fetchAll(db)
        for var record in overdue {
            let user = try cachedRecord(UserRecord.self, id: record.userId, db)
            let reason = record.method == AuthMethod.sms.rawValue ? smsExpiredReason : callTimeoutReason
            try end(db, &record, state: .timeout, reason: reason, user: user, origin: origin, now: now)
        }
        return overdue.map(\.id)
    }

    static func end(
        _ db: Database, _ record: inout PhoneChallengeRecord, state: AuthState, reason: String?, user: UserRecord?,
        origin: AuthLogOrigin, now: Date
    ) throws {
        record.state = state.rawValue
        record.reason = reason
        record.answeredAt = now
        try record.update(db)
        try appendLog(
            db, .ending(record, user: user, state: state, reason: reason), origin: origin, now: now)
    }

}
