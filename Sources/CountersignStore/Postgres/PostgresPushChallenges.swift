import CountersignCore
import Foundation

// Push challenges: started with their pushes in one transaction, answered once, timed out by deadline.
extension PostgresRegistryStore {
    public func startPushChallenge(
        _ challenge: NewPushChallenge, limits: PushLimits, origin: AuthLogOrigin, now: Date
    ) async throws -> StartedPushChallenge {
        let details = challenge.details
        // A refusal is returned, not thrown, so that its log row commits with the transaction.
        let outcome: Result<StartedPushChallenge, AuthRefusal> = try await database.locked { s in
            let pushEncoder = APIJSON.makeEncoder()
            // The user's row is locked as it is read: two nodes admitting pushes for one user take
            // turns, so the limits on pending pushes count both. The current activation is
            // share-locked in the same round trip.
            let locks = try await s.row(
                """
                WITH u AS (SELECT * FROM "user" WHERE name = ? FOR UPDATE),
                a AS (SELECT id FROM activation WHERE is_current FOR SHARE)
                SELECT u.*, NULL AS "#activation", (SELECT id FROM a) AS current_activation_id
                FROM (SELECT 1) AS one LEFT JOIN u ON true
                """, [details.user])
            let user = try locks.flatMap { try PostgresRowDecoder.record(UserRecord.self, in: $0, part: nil) }
            func refuse(_ refusal: AuthRefusal) async throws -> Result<StartedPushChallenge, AuthRefusal> {
                try await Self.logRefusal(
                    s, refusal, user: user, userName: details.user, mode: .push, application: details.application,
                    clientIP: details.clientIP, transactionId: nil, relyingParty: challenge.relyingParty,
                    origin: origin, now: now)
                return .failure(refusal)
            }
            // None when a re-activation committed while this waited for its lock: read the new one.
            let activationId: String
            if let id = try locks?["current_activation_id"].decode(String?.self) {
                activationId = id
            } else if let activation = try await Self.currentActivationShared(s) {
                activationId = activation.id
            } else {
                return try await refuse(.notActivated)
            }
            guard activationId == details.activationId else { throw StoreError.activationChanged }
            if let refusal = SignInEligibility.refusal(
                requestedName: details.user, user: user.map { ($0.name, UserStatus(stored: $0.status)) })
            {
                return try await refuse(refusal)
            }
            guard let user, let userId = user.id else { return try await refuse(.unknownUser(details.user)) }
            let admission = PushAdmission(limits: limits)
            let (devices, facts) = try await Self.devicesAndAdmissionFacts(
                s, userId: userId, activationId: activationId, blockedUntil: user.pushBlockedUntil,
                admission: admission, now: now)
            if let refusal = admission.refusal(userName: user.name, facts: facts, now: now) {
                return try await refuse(refusal)
            }
            let record = ChallengeRecord(starting: challenge, userId: userId, activationId: activationId, now: now)
            try await s.insertLater(record)
            // Poll-only phones and phones whose token died fetch the challenge when they poll.
            for device in devices
            where device.platform != DevicePlatform.pollOnly.rawValue && device.pushToken != nil
                && device.pushTokenInvalidAt == nil
            {
                let pushData = ChallengePushData(
                    transactionId: details.transactionId, activationId: details.activationId,
                    sealedChallenge: self.sealedForPush(
                        challenge.signed, transactionId: details.transactionId, device: device))
                _ = try await Self.enqueuePush(
                    s, deviceId: device.id, payload: String(decoding: try pushEncoder.encode(pushData), as: UTF8.self),
                    collapseId: details.transactionId, deadline: details.deadline, now: now)
            }
            // At most once a minute: every sign-in of a client would otherwise queue on its one row.
            try await s.later(
                """
                UPDATE relying_party SET last_used_at = ? WHERE name = ?
                AND (last_used_at IS NULL OR last_used_at < ?)
                """, [now, challenge.relyingParty, now.addingTimeInterval(-60)])
            return .success(
                StartedPushChallenge(
                    transaction: Self.transaction(record, userName: user.name),
                    devicePublicKeys: devices.map { ($0.id, $0.publicKey) }))
        }
        return try outcome.get()
    }

    /// A long-poll's read, so one statement without a transaction: the challenge (or, failing that,
    /// the phone challenge) with its user's name.
    public func transaction(id: String, relyingParty: String) async throws -> AuthTransaction {
        try await database.autocommit { s in
            // Another client's transaction is as unknown as a made-up one.
            if let row = try await s.row(
                """
                SELECT challenge.*, "user".name AS user_name_now FROM challenge
                LEFT JOIN "user" ON "user".id = challenge.user_id WHERE challenge.id = ?
                """, [id])
            {
                let record = try ChallengeRecord(from: PostgresRowDecoder(row: row))
                guard record.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame else {
                    throw StoreError.challengeNotFound(id)
                }
                return Self.transaction(record, userName: try row["user_name_now"].decode(String?.self) ?? "?")
            }
            // SMS codes and voice calls are transactions too.
            guard
                let row = try await s.row(
                    """
                    SELECT phone_challenge.*, "user".name AS user_name_now FROM phone_challenge
                    LEFT JOIN "user" ON "user".id = phone_challenge.user_id WHERE phone_challenge.id = ?
                    """, [id])
            else { throw StoreError.challengeNotFound(id) }
            let phone = try PhoneChallengeRecord(from: PostgresRowDecoder(row: row))
            guard phone.relyingParty.caseInsensitiveCompare(relyingParty) == .orderedSame else {
                throw StoreError.challengeNotFound(id)
            }
            return Self.transaction(phone, userName: try row["user_name_now"].decode(String?.self) ?? "?")
        }
    }

    public func pendingChallenges(deviceId: String, requestTimestampMillis: Int64, now: Date) async throws
        -> [SignedChallenge]
    {
        try await database.locked { s in
            let device = try await Self.acceptDeviceRequest(
                s, deviceId: deviceId, requestTimestampMillis: requestTimestampMillis, now: now)
            return try await s.fetch(
                ChallengeRecord.self,
                """
                SELECT * FROM challenge WHERE user_id = ? AND activation_id = ? AND state = 'pending'
                AND deadline_at > ? ORDER BY created_at
                """, [device.userId, device.activationId, now]
            ).map { SignedChallenge(details: $0.signedDetails, signature: $0.signature) }
        }
    }

    public func answerChallenge(
        id: String, deviceId: String, answer: ChallengeAnswer, requestTimestampMillis: Int64, limits: PushLimits,
        origin: AuthLogOrigin, now: Date
    ) async throws -> ChallengeAnswerOutcome {
        try await database.locked { s in
            // The device and the challenge locked, in that order, and the challenge's user, in one
            // round trip. The user comes from the statement's snapshot, taken before any wait for
            // the locks; that only matters when another answer held the challenge, and this one
            // then finds it answered and writes nothing to the user.
            let row = try await s.row(
                """
                WITH d AS (\(Self.lockedDevice)), c AS (SELECT * FROM challenge WHERE id = ? FOR UPDATE)
                SELECT d.*, NULL AS "#challenge", c.*, NULL AS "#user", "user".*
                FROM d LEFT JOIN c ON true LEFT JOIN "user" ON "user".id = c.user_id
                """, [deviceId, id])
            let device = try await Self.acceptDeviceRequest(
                s, row: row, requestTimestampMillis: requestTimestampMillis, now: now)
            // A challenge for another user or activation is as unknown as a made-up one.
            guard let row,
                var challenge = try PostgresRowDecoder.record(ChallengeRecord.self, in: row, part: "#challenge"),
                challenge.userId == device.userId, challenge.activationId == device.activationId,
                let user = try PostgresRowDecoder.record(UserRecord.self, in: row, part: "#user")
            else { throw StoreError.challengeNotFound(id) }
            let decision = ChallengeAnswerRule.decide(
                state: AuthState(stored: challenge.state), deadline: challenge.deadlineAt, number: challenge.number,
                asksForNumber: challenge.asksNumber, answer: answer, fraudBlock: limits.fraudBlock, now: now)
            let state: AuthState
            let reason: String?
            switch decision {
            case .tooLate(let endsChallenge):
                if endsChallenge { try await Self.timeOut(s, &challenge, user: user, origin: origin, now: now) }
                return .tooLate
            case .alreadyAnswered(let first):
                return .alreadyAnswered(state: first)
            case .decided(let decided, let why, let blockPushUntil):
                (state, reason) = (decided, why)
                if let blockPushUntil {
                    try await s.later(
                        "UPDATE \"user\" SET push_blocked_until = ? WHERE id = ?", [blockPushUntil, challenge.userId])
                }
            }
            challenge.state = state.rawValue
            challenge.reason = reason
            challenge.answeredAt = now
            challenge.answeredDeviceId = device.id
            try await Self.saveOutcome(challenge, s)
            try await Self.cancelQueuedPushes(s, challengeId: id, reason: "answered", now: now)
            try await Self.appendLog(
                s, .answer(to: challenge, by: device, user: user, state: state, reason: reason), origin: origin,
                now: now)
            return .recorded(transaction: Self.transaction(challenge, userName: user.name))
        }
    }

    /// Safe with any number of nodes sweeping at once: the overdue rows are locked as they are
    /// read and rows another sweeper holds are skipped, and each row is ended only while still
    /// pending, so no timeout and no log row is ever written twice.
    public func expireChallenges(now: Date, origin: AuthLogOrigin) async throws -> [String] {
        try await database.locked { s in
            let overdue = try await s.fetch(
                ChallengeRecord.self,
                """
                SELECT * FROM challenge WHERE state = 'pending' AND deadline_at <= ?
                ORDER BY deadline_at LIMIT ? FOR UPDATE SKIP LOCKED
                """, [now, Self.sweepBatch])
            for var challenge in overdue {
                let user = try await s.record(UserRecord.self, key: challenge.userId)
                try await Self.timeOut(s, &challenge, user: user, origin: origin, now: now)
            }
            return overdue.map(\.id) + (try await Self.expirePhoneChallenges(s, origin: origin, now: now))
        }
    }

    /// Rows one sweep ends at most; the sweeper comes back at once for the rest.
    static var sweepBatch: Int { 500 }

    public func nextChallengeDeadline() async throws -> Date? {
        try await database.autocommit { s in
            try await s.value(
                Date.self,
                """
                SELECT MIN(deadline) FROM (
                SELECT MIN(deadline_at) AS deadline FROM challenge WHERE state = 'pending'
                UNION ALL SELECT MIN(deadline_at) FROM phone_challenge WHERE state = 'pending') AS due
                """)
        }
    }

    public func defaultMethod(user name: String, now: Date) async throws -> AuthMethod {
        try await database.read { s in
            guard let user = try await Self.user(named: name, s), let userId = user.id,
                let activation = try await Self.currentActivation(s)
            else { return .push }
            let paired =
                try await s.value(
                    Bool.self,
                    "SELECT EXISTS (SELECT 1 FROM device WHERE user_id = ? AND activation_id = ? AND status = 'active')",
                    [userId, activation.id]) ?? false
            return AutoMethodRule.method(
                pairedApps: paired, pushBlockedUntil: user.pushBlockedUntil, hasPhone: user.phone != nil, now: now)
        }
    }

    // MARK: Helpers

    /// The user's active phones under the activation, and the facts `PushAdmission` decides on,
    /// in one round trip: every row carries the facts, and a user with no phone gets one row of
    /// them alone. The window starts at the last approval or `window` ago, whichever is later
    /// (the rule's to say): both counts come back and the rule picks.
    static func devicesAndAdmissionFacts(
        _ s: PostgresSession, userId: Int64, activationId: String, blockedUntil: Date?, admission: PushAdmission,
        now: Date
    ) async throws -> ([DeviceRecord], PushAdmission.Facts) {
        let floor = admission.windowStart(now: now, lastApproval: nil)
        let rows = try await s.rows(
            """
            SELECT facts.*, NULL AS "#device", device.* FROM (
              SELECT last.answered_at AS last_approval,
                (SELECT COUNT(*) FROM challenge WHERE user_id = ? AND state = 'pending' AND deadline_at > ?)
                  AS pending,
                (SELECT COUNT(*) FROM challenge WHERE user_id = ? AND method = 'push' AND created_at > ?)
                  AS since_floor,
                (SELECT COUNT(*) FROM challenge WHERE user_id = ? AND method = 'push'
                 AND created_at > last.answered_at) AS since_approval
              FROM (SELECT (SELECT answered_at FROM challenge WHERE user_id = ? AND state = 'approved'
                            ORDER BY answered_at DESC LIMIT 1) AS answered_at) AS last) AS facts
            LEFT JOIN device ON device.user_id = ? AND device.activation_id = ? AND device.status = 'active'
            ORDER BY device.seq
            """, [userId, now, userId, floor, userId, userId, userId, activationId])
        let devices = try rows.compactMap { try PostgresRowDecoder.record(DeviceRecord.self, in: $0, part: "#device") }
        let first = rows.first
        let lastApproval = try first?["last_approval"].decode(Date?.self)
        let windowStart = admission.windowStart(now: now, lastApproval: lastApproval)
        let pending = try first?["pending"].decode(Int.self) ?? 0
        let recent =
            try (windowStart == floor ? first?["since_floor"] : first?["since_approval"])?.decode(Int?.self) ?? 0
        return (
            devices,
            PushAdmission.Facts(
                activeDevices: devices.count, pushBlockedUntil: blockedUntil, pendingPushes: pending,
                pushesSinceWindowStart: recent)
        )
    }

    static func saveOutcome(_ challenge: ChallengeRecord, _ s: PostgresSession) async throws {
        try await s.later(
            "UPDATE challenge SET state = ?, reason = ?, answered_at = ?, answered_device_id = ? WHERE id = ?",
            [challenge.state, challenge.reason, challenge.answeredAt, challenge.answeredDeviceId, challenge.id])
    }

    static func timeOut(
        _ s: PostgresSession, _ challenge: inout ChallengeRecord, user: UserRecord?, origin: AuthLogOrigin, now: Date
    ) async throws {
        try await end(s, &challenge, state: .timeout, reason: timeoutReason, user: user, origin: origin, now: now)
    }

    /// Ends a pending push challenge without an answer (timeout, re-activation, user reset): records
    /// why, cancels its queued pushes and writes its log row.
    static func end(
        _ s: PostgresSession, _ challenge: inout ChallengeRecord, state: AuthState, reason: String, user: UserRecord?,
        origin: AuthLogOrigin, now: Date
    ) async throws {
        challenge.state = state.rawValue
        challenge.reason = reason
        challenge.answeredAt = now
        try await saveOutcome(challenge, s)
        try await cancelQueuedPushes(s, challengeId: challenge.id, reason: reason, now: now)
        try await appendLog(
            s, .ending(challenge, user: user, state: state, reason: reason), origin: origin, now: now)
    }

    /// Pushes for a decided challenge are worthless: the other phones need not be woken.
    static func cancelQueuedPushes(_ s: PostgresSession, challengeId: String, reason: String, now: Date) async throws {
        try await s.later(
            """
            UPDATE push_outbox SET state = 'cancelled', outcome = ?, completed_at = ?
            WHERE collapse_id = ? AND state = 'queued'
            """, [reason, now, challengeId])
    }
}
