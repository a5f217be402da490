import CountersignCore
import Foundation
import GRDB

// Push challenges: started with their pushes in one transaction, answered once, timed out by deadline.
extension SQLiteRegistryStore {

    public func startPushChallenge(
        _ challenge: NewPushChallenge, limits: PushLimits, origin: AuthLogOrigin, now: Date
    ) async throws -> StartedPushChallenge {
        let details = challenge.details
        let pushEncoder = APIJSON.makeEncoder()
        // A refusal is returned, not thrown, so that its log row commits with the transaction.
        let outcome: Result<StartedPushChallenge, AuthRefusal> = try await batchedWrites.write { db in
            let user = try Self.user(named: details.user, db)
            func refuse(_ refusal: AuthRefusal) throws -> Result<StartedPushChallenge, AuthRefusal> {
                try Self.logRefusal(
                    db, refusal, user: user, userName: details.user, mode: .push, application: details.application,
                    clientIP: details.clientIP, transactionId: nil, relyingParty: challenge.relyingParty,
                    origin: origin, now: now)
                return .failure(refusal)
            }
            guard let activation = try Self.currentActivation(db) else { return try refuse(.notActivated) }
            guard activation.id == details.activationId else { throw StoreError.activationChanged }
            if let refusal = SignInEligibility.refusal(
                requestedName: details.user, user: user.map { ($0.name, UserStatus(stored: $0.status)) })
            {
                return try refuse(refusal)
            }
            guard let user, let userId = user.id else { return try refuse(.unknownUser(details.user)) }
            let devices = try DeviceRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active'"),
                arguments: [userId, activation.id])
            let admission = PushAdmission(limits: limits)
            let facts = try Self.pushAdmissionFacts(
                db, userId: userId, devices: devices.count, blockedUntil: user.pushBlockedUntil, admission: admission,
                now: now)
            if let refusal = admission.refusal(userName: user.name, facts: facts, now: now) {
                return try refuse(refusal)
            }

            let record = ChallengeRecord(starting: challenge, userId: userId, activationId: activation.id, now: now)
            try record.insert(db)
            // Poll-only phones and phones whose token died fetch the challenge when they poll.
            for device in devices
            where device.platform != DevicePlatform.pollOnly.rawValue && device.pushToken != nil
                && device.pushTokenInvalidAt == nil
            {
                let pushData = ChallengePushData(
                    transactionId: details.transactionId, activationId: details.activationId,
                    sealedChallenge: self.sealedForPush(
                        challenge.signed, transactionId: details.transactionId, device: device))
                _ = try Self.enqueuePush(
                    db, deviceId: device.id, payload: String(decoding: try pushEncoder.encode(pushData), as: UTF8.self),
                    collapseId: details.transactionId,
                    deadline: details.deadline, now: now)
            }
            try db.cachedStatement(sql: "UPDATE relying_party SET last_used_at = ? WHERE name = ?")
                .execute(arguments: [now.stored, challenge.relyingParty])
            return .success(
                StartedPushChallenge(
                    transaction: Self.transaction(record, userName: user.name),
                    devicePublicKeys: devices.map { ($0.id, $0.publicKey) }))
        }
        return try outcome.get()
    }

    public func transaction(id: String, relyingParty: String) async throws -> AuthTransaction {
        try await pool.read { db in
            // Another client's transaction is as unknown as a made-up one.
            guard let record = try Self.cachedRecord(ChallengeRecord.self, id: id, db) else {
                // SMS codes and voice calls are transactions too.
                guard let phone = try PhoneChallengeRecord.fetchOne(db, key: id),
                    phone.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame
                else { throw StoreError.challengeNotFound(id) }
                let userName = try Self.cachedRecord(UserRecord.self, id: phone.userId, db)?.name ?? "?"
                return Self.transaction(phone, userName: userName)
            }
            guard record.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame else {
                throw StoreError.challengeNotFound(id)
            }
            let userName = try Self.cachedRecord(UserRecord.self, id: record.userId, db)?.name ?? "?"
            return Self.transaction(record, userName: userName)
        }
    }

    public func pendingChallenges(deviceId: String, requestTimestampMillis: Int64, now: Date) async throws
        -> [SignedChallenge]
    {
        try await batchedWrites.write { db in
            let device = try Self.acceptDeviceRequest(
                db, deviceId: deviceId, requestTimestampMillis: requestTimestampMillis, now: now)
            return try ChallengeRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM challenge WHERE user_id = ? AND activation_id = ? AND state = 'pending'
                        AND deadline_at > ? ORDER BY created_at
                        """),
                arguments: [device.userId, device.activationId, now.stored]
            ).map {
                SignedChallenge(details: $0.signedDetails, signature: $0.signature)
            }
        }
    }

    public func answerChallenge(
        id: String, deviceId: String, answer: ChallengeAnswer, requestTimestampMillis: Int64, limits: PushLimits,
        origin: AuthLogOrigin, now: Date
    ) async throws -> ChallengeAnswerOutcome {
        try await batchedWrites.write { db in
            let device = try Self.acceptDeviceRequest(
                db, deviceId: deviceId, requestTimestampMillis: requestTimestampMillis, now: now)
            // A challenge for another user or activation is as unknown as a made-up one.
            guard var challenge = try Self.cachedRecord(ChallengeRecord.self, id: id, db),
                challenge.userId == device.userId,
                challenge.activationId == device.activationId
            else { throw StoreError.challengeNotFound(id) }
            guard var user = try Self.cachedRecord(UserRecord.self, id: challenge.userId, db) else {
                throw StoreError.challengeNotFound(id)
            }
            let decision = ChallengeAnswerRule.decide(
                state: AuthState(stored: challenge.state), deadline: challenge.deadlineAt, number: challenge.number,
                asksForNumber: challenge.asksNumber, answer: answer, fraudBlock: limits.fraudBlock, now: now)
            let state: AuthState
            let reason: String?
            switch decision {
            case .tooLate(let endsChallenge):
                if endsChallenge { try Self.timeOut(db, &challenge, user: user, origin: origin, now: now) }
                return .tooLate
            case .alreadyAnswered(let first):
                return .alreadyAnswered(state: first)
            case .decided(let decided, let why, let blockPushUntil):
                (state, reason) = (decided, why)
                if let blockPushUntil {
                    user.pushBlockedUntil = blockPushUntil
                    try user.update(db)
                }
            }
            challenge.state = state.rawValue
            challenge.reason = reason
            challenge.answeredAt = now
            challenge.answeredDeviceId = device.id
            try Self.saveOutcome(challenge, db)
            try Self.cancelQueuedPushes(db, challengeId: id, reason: "answered", now: now)
            try Self.appendLog(
                db, .answer(to: challenge, by: device, user: user, state: state, reason: reason), origin: origin,
                now: now)
            return .recorded(transaction: Self.transaction(challenge, userName: user.name))
        }
    }

    public func expireChallenges(now: Date, origin: AuthLogOrigin) async throws -> [String] {
        try await pool.write { db in
            let overdue = try ChallengeRecord.filter(
                Column("state") == AuthState.pending.rawValue && Column("deadline_at") <= now
            ).fetchAll(db)
            for var challenge in overdue {
                let user = try Self.cachedRecord(UserRecord.self, id: challenge.userId, db)
                try Self.timeOut(db, &challenge, user: user, origin: origin, now: now)
            }
            return overdue.map(\.id) + (try Self.expirePhoneChallenges(db, origin: origin, now: now))
        }
    }

    public func nextChallengeDeadline() async throws -> Date? {
        try await pool.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT MIN(deadline) FROM (
                    SELECT MIN(deadline_at) AS deadline FROM challenge WHERE state = 'pending'
                    UNION ALL SELECT MIN(deadline_at) FROM phone_challenge WHERE state = 'pending')
                    """)
        }
    }

    // MARK: Helpers

    /// What push admission decides on, each read from an index that answers it directly: the
    /// user's pending pushes, their last approval and the pushes since the window's start. None of
    /// them reads the user's older history, so a sign-in costs the same after years of use.
    static func pushAdmissionFacts(
        _ db: Database, userId: Int64, devices: Int, blockedUntil: Date?, admission: PushAdmission, now: Date
    ) throws -> PushAdmission.Facts {
        let pending =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM challenge WHERE user_id = ? AND state = 'pending' AND deadline_at > ?"),
                arguments: [userId, now.stored]) ?? 0
        let lastApproval = try Date.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT answered_at FROM challenge INDEXED BY challenge_approved_by_user
                    WHERE user_id = ? AND state = 'approved' ORDER BY answered_at DESC LIMIT 1
                    """),
            arguments: [userId])
        let windowStart = admission.windowStart(now: now, lastApproval: lastApproval)
        let recent =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM challenge INDEXED BY challenge_push_by_user
                        WHERE user_id = ? AND method = 'push' AND created_at > ?
                        """),
                arguments: [userId, windowStart.stored]) ?? 0
        return PushAdmission.Facts(
            activeDevices: devices, pushBlockedUntil: blockedUntil, pendingPushes: pending,
            pushesSinceWindowStart: recent)
    }

    /// Checks a signed device request against the registry: the device still counts, and the
    /// request is newer than the last one accepted from it (which it then becomes). A device that is
    /// gone (its user deleted) counts no more than a removed one.
    static func acceptDeviceRequest(_ db: Database, deviceId: String, requestTimestampMillis: Int64, now: Date) throws
        -> DeviceRecord
    {
        guard var device = try Self.cachedRecord(DeviceRecord.self, id: deviceId, db) else {
            throw StoreError.deviceNotActivated
        }
        let activation = try Self.cachedRecord(ActivationRecord.self, id: device.activationId, db)
        guard device.status == DeviceStatus.active.rawValue, activation?.isCurrent == true else {
            throw StoreError.deviceNotActivated
        }
        guard requestTimestampMillis > device.lastRequestMs else { throw StoreError.replayedRequest }
        device.lastRequestMs = requestTimestampMillis
        device.lastSeenAt = now
        // Two columns, not the whole record: this runs on every signed request.
        try db.cachedStatement(sql: "UPDATE device SET last_request_ms = ?, last_seen_at = ? WHERE id = ?")
            .execute(arguments: [requestTimestampMillis, now.stored, device.id])
        return device
    }

    /// Writes a challenge's outcome columns, the only ones that change after it is created.
    static func saveOutcome(_ challenge: ChallengeRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: "UPDATE challenge SET state = ?, reason = ?, answered_at = ?, answered_device_id = ? WHERE id = ?"
        ).execute(arguments: [
            challenge.state, challenge.reason, challenge.answeredAt?.stored, challenge.answeredDeviceId, challenge.id,
        ])
    }

    static func timeOut(
        _ db: Database, _ challenge: inout ChallengeRecord, user: UserRecord?, origin: AuthLogOrigin, now: Date
    ) throws {
        try end(db, &challenge, state: .timeout, reason: timeoutReason, user: user, origin: origin, now: now)
    }

    /// Ends a pending push challenge without an answer (timeout, re-activation, user reset): records
    /// why, cancels its queued pushes and writes its log row.
    static func end(
        _ db: Database, _ challenge: inout ChallengeRecord, state: AuthState, reason: String, user: UserRecord?,
        origin: AuthLogOrigin, now: Date
    ) throws {
        challenge.state = state.rawValue
        challenge.reason = reason
        challenge.answeredAt = now
        try saveOutcome(challenge, db)
        try cancelQueuedPushes(db, challengeId: challenge.id, reason: reason, now: now)
        try appendLog(
            db, .ending(challenge, user: user, state: state, reason: reason), origin: origin, now: now)
    }

    /// Pushes for a decided challenge are worthless: the other phones need not be woken.
    static func cancelQueuedPushes(_ db: Database, challengeId: String, reason: String, now: Date) throws {
        try db.cachedStatement(
            sql: """
                UPDATE push_outbox SET state = 'cancelled', outcome = ?, completed_at = ?
                WHERE collapse_id = ? AND state = 'queued'
                """
        ).execute(arguments: [reason, now.stored, challengeId])
    }

}
