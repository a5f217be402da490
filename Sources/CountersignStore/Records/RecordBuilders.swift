import CountersignCore
import Foundation

// The rows both backends write, built in one place: a backend only decides where they go.

extension DeviceRecord {
    /// A phone just paired: active, seen now, no request accepted yet.
    init(
        pairing device: NewDevice, id: String, userId: Int64, activationId: String, oathSecretSealed: Data,
        pushKeySealed: Data?, now: Date
    ) {
        self.init(
            id: id, userId: userId, activationId: activationId, platform: device.platform.rawValue,
            pushToken: device.pushToken, pushTokenInvalidAt: nil, pushTokenInvalidReason: nil,
            environment: device.environment.rawValue, publicKey: device.publicKey, oathSecretSealed: oathSecretSealed,
            pushKeySealed: pushKeySealed, displayName: device.displayName, status: DeviceStatus.active.rawValue,
            statusReason: nil, statusChangedAt: nil, createdAt: now, lastSeenAt: now, lastRequestMs: 0)
    }
}

extension ChallengeRecord {
    /// A push sign-in admitted now, pending until its deadline.
    init(starting challenge: NewPushChallenge, userId: Int64, activationId: String, now: Date) {
        let details = challenge.details
        self.init(
            id: details.transactionId, userId: userId, activationId: activationId, method: AuthMethod.push.rawValue,
            requestedMethod: challenge.requestedMethod.rawValue, number: challenge.number,
            application: details.application, clientIp: details.clientIP, location: details.location,
            relyingParty: challenge.relyingParty, signedDetails: challenge.signed.details,
            signature: challenge.signed.signature, createdAt: now, deadlineAt: details.deadline,
            state: AuthState.pending.rawValue, reason: nil, answeredAt: nil, answeredDeviceId: nil,
            asksNumber: challenge.asksForNumber)
    }
}

extension PhoneChallengeRecord {
    /// A text or call the send rule admitted, pending for the challenge's lifetime.
    init(
        starting challenge: NewPhoneChallenge, userId: Int64, secretHash: String, send: PhoneSendRule.Send,
        provider: String, now: Date
    ) {
        self.init(
            id: challenge.transactionId, userId: userId, method: challenge.method.rawValue, secretHash: secretHash,
            phone: send.phone, country: send.country, sender: send.sender, relyingParty: challenge.relyingParty,
            application: challenge.context.application, clientIp: challenge.context.clientIP, createdAt: now,
            deadlineAt: now.addingTimeInterval(challenge.lifetime), state: AuthState.pending.rawValue, reason: nil,
            answeredAt: nil, provider: provider)
    }
}

extension AuthLogRecord {
    /// The row for `line`, with the user's details as they are now and the current provider.
    init(_ line: AuthLogLine, origin: AuthLogOrigin, provider: String?, now: Date) {
        self.init(
            id: nil, time: now, userName: line.user?.name ?? line.userName, firstName: line.user?.firstName,
            lastName: line.user?.lastName, email: line.user?.email, phone: line.user?.phone,
            deviceToken: line.deviceToken, mode: line.mode, result: line.result.rawValue, outcome: line.outcome,
            reason: line.reason, serverName: origin.serverName, serverIp: origin.serverIP, clientIp: line.clientIP,
            application: line.application, transactionId: line.transactionId, relyingParty: line.relyingParty,
            provider: provider)
    }
}

extension AuthLogLine {
    /// A phone's decision on a push sign-in.
    static func answer(
        to challenge: ChallengeRecord, by device: DeviceRecord, user: UserRecord, state: AuthState, reason: String?
    ) -> AuthLogLine {
        AuthLogLine(
            user: user, userName: user.name, deviceToken: device.pushToken ?? device.id, mode: challenge.method,
            result: state == .approved ? .success : .denied, outcome: state.rawValue, reason: reason,
            application: challenge.application, clientIP: challenge.clientIp, transactionId: challenge.id,
            relyingParty: challenge.relyingParty)
    }

    /// A push sign-in ended without an answer (timeout, re-activation, reset).
    static func ending(_ challenge: ChallengeRecord, user: UserRecord?, state: AuthState, reason: String)
        -> AuthLogLine
    {
        AuthLogLine(
            user: user, userName: user?.name ?? "?", mode: challenge.method, result: .denied, outcome: state.rawValue,
            reason: reason, application: challenge.application, clientIP: challenge.clientIp,
            transactionId: challenge.id, relyingParty: challenge.relyingParty)
    }

    /// A text or call that ended: answered, timed out, replaced or failed.
    static func ending(_ record: PhoneChallengeRecord, user: UserRecord?, state: AuthState, reason: String?)
        -> AuthLogLine
    {
        AuthLogLine(
            user: user, userName: user?.name ?? "?", mode: record.method,
            result: state == .approved ? .success : .denied, outcome: state.rawValue, reason: reason,
            application: record.application, clientIP: record.clientIp, transactionId: record.id,
            relyingParty: record.relyingParty)
    }
}

extension PushOutboxCounts {
    /// Adds one `GROUP BY state` row.
    mutating func add(state: String, count: Int) {
        switch state {
        case "queued": queued = count
        case "sending": sending = count
        case "sent": sent = count
        case "failed": failed = count
        case "expired": expired = count
        default: cancelled = count
        }
    }
}

/// The generator a matched one-time code came from, with the mark that spends the code.
enum SpentCodeGenerator {
    case app(DeviceRecord)
    case token(HardwareTokenRecord)

    /// What the log records as the credential used.
    var credential: String {
        switch self {
        case .app(let device): device.pushToken ?? device.id
        case .token(let token): "token:\(token.serial)"
        }
    }
}

extension RecordViews {
    /// Hardware tokens as imported: sealed, unassigned.
    func tokenRecords(_ seeds: [TokenSeed], now: Date) throws -> [HardwareTokenRecord] {
        try seeds.map { seed in
            HardwareTokenRecord(
                serial: seed.serial, kind: seed.kind.rawValue, algorithm: seed.algorithm.rawValue, digits: seed.digits,
                period: seed.period, counter: Int64(clamping: seed.counter), lastStep: nil,
                secretSealed: try secrets.seal(seed.secret, purpose: Self.tokenSecretPurpose(seed.serial)),
                userId: nil, importedAt: now, lastUsedAt: nil)
        }
    }

    /// Every generator a code may have come from, apps first; the rule finds the match, and
    /// `spend` writes its mark into the generator's row so the same code never works twice.
    func matchOneTimeCode(_ code: String, devices: [DeviceRecord], tokens: [HardwareTokenRecord], now: Date) throws
        -> SpentCodeGenerator?
    {
        var candidates: [OneTimeCodeCandidate] = []
        for device in devices {
            let secret = try secrets.open(device.oathSecretSealed, purpose: Self.oathSecretPurpose(device.id))
            candidates.append(
                try .authenticatorApp(secret: secret, lastUsedStep: device.oathLastStep.map { UInt64(max(0, $0)) }))
        }
        for token in tokens { candidates.append(try tokenCandidate(token)) }
        guard let (index, mark) = OneTimeCodeMatch.first(code, in: candidates, at: now) else { return nil }
        if index < devices.count {
            var device = devices[index]
            if case .lastUsedStep(let step) = mark { device.oathLastStep = Int64(clamping: step) }
            return .app(device)
        }
        var token = tokens[index - devices.count]
        switch mark {
        case .lastUsedStep(let step): token.lastStep = Int64(clamping: step)
        case .nextCounter(let counter): token.counter = Int64(clamping: counter)
        }
        token.lastUsedAt = now
        return .token(token)
    }

    /// One provider's month, from what the usage counters and the phone sends say; nil for a
    /// provider neither linked at the month's end nor used in it.
    static func providerMonthUsage(
        _ provider: ProviderRecord, linkedProviderId: Int64?, configured: Int, licensed: Int,
        verifications: [VerificationCount], phoneSends: [PhoneSendCount]
    ) -> ProviderMonthUsage? {
        let isLinked = provider.id == linkedProviderId
        guard isLinked || !verifications.isEmpty || !phoneSends.isEmpty else { return nil }
        let billing = BillingModel(stored: provider.billing)
        let userCount = isLinked ? configured : 0
        let licensedCount = isLinked ? licensed : 0
        let billable = billing == .perUser ? userCount - licensedCount : verifications.reduce(0) { $0 + $1.count }
        return ProviderMonthUsage(
            provider: provider.name, billing: billing, usersConfigured: userCount, licensedUsers: licensedCount,
            verifications: verifications, phoneSends: phoneSends, billable: billable)
    }
}
