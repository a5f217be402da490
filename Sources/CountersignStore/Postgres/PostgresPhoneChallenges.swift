import CountersignCore
import Foundation

// SMS codes and voice calls. Pending ones live in the database, so a code texted by one node is
// checked by any other, once.
extension PostgresRegistryStore {
    public func startPhoneChallenge(
        _ challenge: NewPhoneChallenge, limits: PhoneLimits, origin: AuthLogOrigin, now: Date
    ) async throws -> PhoneDelivery {
        let secretHash = secrets.keyedHash(challenge.secret, purpose: Self.phoneSecretPurpose(challenge.transactionId))
        let outcome: Result<PhoneDelivery, AuthRefusal> = try await database.locked { s in
            let user = try await s.fetchOne(
                UserRecord.self, "SELECT * FROM \"user\" WHERE name = ? FOR UPDATE", [challenge.user])
            func refuse(_ refusal: AuthRefusal) async throws -> Result<PhoneDelivery, AuthRefusal> {
                try await Self.logRefusal(
                    s, refusal, user: user, userName: challenge.user, mode: challenge.method,
                    application: challenge.context.application, clientIP: challenge.context.clientIP,
                    transactionId: challenge.transactionId, relyingParty: challenge.relyingParty, origin: origin,
                    now: now)
                return .failure(refusal)
            }
            if let refusal = SignInEligibility.refusal(
                requestedName: challenge.user, user: user.map { ($0.name, UserStatus(stored: $0.status)) })
            {
                return try await refuse(refusal)
            }
            guard let user, let userId = user.id else { return try await refuse(.unknownUser(challenge.user)) }
            let rule = PhoneSendRule(limits: limits)
            var route: PhoneSendRule.Route?
            var telephony: TelephonySettings?
            if let provider = try await Self.currentProvider(s) {
                telephony = try await self.telephonySettings(provider, s)
                route = PhoneSendRule.Route(
                    provider: provider.name, hasGateway: !(telephony?.gateways.isEmpty ?? true),
                    settings: try Self.providerSettings(provider))
            }
            let recent = try await s.rows(
                "SELECT created_at FROM phone_challenge WHERE user_id = ? AND created_at > ?",
                [userId, rule.windowStart(now: now)]
            ).map { try $0[0].decode(Date.self) }
            let send: PhoneSendRule.Send
            switch rule.decide(
                method: challenge.method,
                recipient: .init(
                    name: user.name, phone: user.phone, country: user.country, lockedUntil: user.lockedUntil),
                route: route, recentSends: recent, rotation: challenge.senderRotation, now: now)
            {
            case .failure(let refusal): return try await refuse(refusal)
            case .success(let admitted): send = admitted
            }
            guard let telephony, let provider = route?.provider else { return try await refuse(.notActivated) }
            if send.replacesPendingCodes {
                for var old in try await s.fetch(
                    PhoneChallengeRecord.self,
                    "SELECT * FROM phone_challenge WHERE user_id = ? AND method = 'sms' AND state = 'pending' FOR UPDATE",
                    [userId])
                {
                    try await Self.end(
                        s, &old, state: .failed, reason: "replaced by a newer code", user: user, origin: origin,
                        now: now)
                }
            }
            let record = PhoneChallengeRecord(
                starting: challenge, userId: userId, secretHash: secretHash, send: send, provider: provider, now: now)
            try await s.insert(record)
            return .success(
                PhoneDelivery(
                    transaction: Self.transaction(record, userName: user.name), phone: send.phone,
                    country: send.country, sender: send.sender, telephony: telephony))
        }
        return try outcome.get()
    }

    public func failPhoneChallenge(id: String, reason: String, origin: AuthLogOrigin, now: Date) async throws {
        try await database.locked { s in
            guard
                var record = try await s.fetchOne(
                    PhoneChallengeRecord.self, "SELECT * FROM phone_challenge WHERE id = ? FOR UPDATE", [id]),
                record.state == AuthState.pending.rawValue
            else { return }
            let user = try await s.record(UserRecord.self, key: record.userId)
            try await Self.end(s, &record, state: .failed, reason: reason, user: user, origin: origin, now: now)
        }
    }

    public func verifySMSCode(
        transactionId: String, relyingParty: String, code: String, policy: LockoutPolicy, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction {
        let found = try await database.read { s -> Found? in
            guard let record = try await s.record(PhoneChallengeRecord.self, key: transactionId),
                record.method == AuthMethod.sms.rawValue,
                record.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame,
                let user = try await s.record(UserRecord.self, key: record.userId)
            else { return nil }
            return Found(record: record, userName: user.name)
        }
        guard let found else { throw StoreError.challengeNotFound(transactionId) }
        let started = found.record
        let attempt = CodeAttempt(
            userName: found.userName, method: .sms,
            context: AuthContext(application: started.application, clientIP: started.clientIp),
            relyingParty: relyingParty, transactionId: transactionId)
        let expected = started.secretHash
        let candidate = secrets.keyedHash(code, purpose: Self.phoneSecretPurpose(transactionId))
        var transaction = try await decideCode(attempt, policy: policy, origin: origin, now: now) { _, s in
            guard
                var record = try await s.fetchOne(
                    PhoneChallengeRecord.self, "SELECT * FROM phone_challenge WHERE id = ? FOR UPDATE", [transactionId])
            else { return .refused(.codeNotPending(state: .failed)) }
            guard record.state == AuthState.pending.rawValue else {
                return .refused(.codeNotPending(state: AuthState(stored: record.state)))
            }
            guard record.deadlineAt > now else {
                record.state = AuthState.timeout.rawValue
                record.reason = Self.smsExpiredReason
                record.answeredAt = now
                try await s.update(record)
                return .refused(.codeExpired)
            }
            guard ConstantTime.equals(Array(candidate.utf8), Array(expected.utf8)) else {
                return .wrong(reason: "the SMS code is wrong")
            }
            // Spent: the same code never works twice, on this node or any other.
            record.state = AuthState.approved.rawValue
            record.answeredAt = now
            try await s.update(record)
            return .matched(credential: nil)
        }
        transaction.createdAt = started.createdAt
        transaction.deadline = started.deadlineAt
        return transaction
    }

    private struct Found: Sendable {
        let record: PhoneChallengeRecord
        let userName: String
    }

    public func answerVoiceCall(
        transactionId: String, token: String, digits: String, fraudBlock: TimeInterval, origin: AuthLogOrigin,
        now: Date
    ) async throws -> AuthTransaction {
        let candidate = secrets.keyedHash(token, purpose: Self.phoneSecretPurpose(transactionId))
        return try await database.locked { s in
            // A wrong token is as unknown as a made-up call.
            guard
                var record = try await s.fetchOne(
                    PhoneChallengeRecord.self, "SELECT * FROM phone_challenge WHERE id = ? FOR UPDATE", [transactionId]),
                record.method == AuthMethod.voice.rawValue,
                ConstantTime.equals(Array(candidate.utf8), Array(record.secretHash.utf8))
            else { throw StoreError.challengeNotFound(transactionId) }
            var user = try await s.record(UserRecord.self, key: record.userId)
            guard record.state == AuthState.pending.rawValue else {
                return Self.transaction(record, userName: user?.name ?? "?")
            }
            let decision = VoiceAnswerRule.decide(
                digits: digits, deadline: record.deadlineAt, fraudBlock: fraudBlock, now: now)
            if let blockPushUntil = decision.blockPushUntil, var blocked = user {
                blocked.pushBlockedUntil = blockPushUntil
                try await s.update(blocked)
                user = blocked
            }
            try await Self.end(
                s, &record, state: decision.state, reason: decision.reason, user: user, origin: origin, now: now)
            return Self.transaction(record, userName: user?.name ?? "?")
        }
    }

    public func setTelephonySettings(_ settings: TelephonySettings?, provider: String) async throws {
        let sealed = try settings.map {
            try secrets.seal(try JSONEncoder().encode($0), purpose: Self.telephonySettingsPurpose(provider))
        }
        try await database.write { s in
            _ = try await Self.providerRecord(named: provider, s)
            try await s.execute("UPDATE provider SET telephony_settings_sealed = ? WHERE name = ?", [sealed, provider])
        }
    }

    public func telephonySettings(provider: String) async throws -> TelephonySettings? {
        try await database.read { s in
            try await self.telephonySettings(try await Self.providerRecord(named: provider, s), s)
        }
    }

    func telephonySettings(_ provider: ProviderRecord, _ s: PostgresSession) async throws -> TelephonySettings? {
        guard let id = provider.id,
            let sealed = try await s.value(
                Data.self, "SELECT telephony_settings_sealed FROM provider WHERE id = ?", [id])
        else { return nil }
        let json = try secrets.open(sealed, purpose: Self.telephonySettingsPurpose(provider.name))
        return try JSONDecoder().decode(TelephonySettings.self, from: json)
    }

    // MARK: Ending

    /// Ends pending phone challenges past their deadline as timeouts, with their log rows; rows
    /// another node's sweeper holds are skipped.
    static func expirePhoneChallenges(_ s: PostgresSession, origin: AuthLogOrigin, now: Date) async throws -> [String] {
        let overdue = try await s.fetch(
            PhoneChallengeRecord.self,
            """
            SELECT * FROM phone_challenge WHERE state = 'pending' AND deadline_at <= ?
            ORDER BY deadline_at LIMIT ? FOR UPDATE SKIP LOCKED
            """, [now, sweepBatch])
        for var record in overdue {
            let user = try await s.record(UserRecord.self, key: record.userId)
            let reason = record.method == AuthMethod.sms.rawValue ? smsExpiredReason : callTimeoutReason
            try await end(s, &record, state: .timeout, reason: reason, user: user, origin: origin, now: now)
        }
        return overdue.map(\.id)
    }

    static func end(
        _ s: PostgresSession, _ record: inout PhoneChallengeRecord, state: AuthState, reason: String?,
        user: UserRecord?, origin: AuthLogOrigin, now: Date
    ) async throws {
        record.state = state.rawValue
        record.reason = reason
        record.answeredAt = now
        try await s.update(record)
        try await appendLog(
            s, .ending(record, user: user, state: state, reason: reason), origin: origin, now: now)
    }
}
