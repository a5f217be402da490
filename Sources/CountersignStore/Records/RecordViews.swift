import CountersignCore
import Foundation

/// What both backends make of their rows: the views callers see, the purposes secrets are sealed
/// under, and the reasons written into ended sign-ins. Each store adopts it, so these read the same
/// (`Self.providerView`, `Self.oathSecretPurpose`, …) in either, and exist once.
protocol RecordViews {
    var secrets: SecretBox { get }
}

extension RecordViews {
    static func pendingSignIn(_ record: ChallengeRecord, userName: String) -> PendingSignIn {
        PendingSignIn(
            transactionId: record.id, user: userName, method: AuthMethod(stored: record.method, fallback: .push),
            client: record.relyingParty, createdAt: record.createdAt, deadline: record.deadlineAt)
    }

    static func pendingSignIn(_ record: PhoneChallengeRecord, userName: String) -> PendingSignIn {
        PendingSignIn(
            transactionId: record.id, user: userName, method: AuthMethod(stored: record.method, fallback: .sms),
            client: record.relyingParty, createdAt: record.createdAt, deadline: record.deadlineAt)
    }

    /// Push and phone sign-ins, each list already oldest first, as one list of at most `limit`.
    static func oldestFirst(_ pushes: [PendingSignIn], _ phones: [PendingSignIn], limit: Int) -> [PendingSignIn] {
        Array(
            (pushes + phones).sorted { ($0.createdAt, $0.transactionId) < ($1.createdAt, $1.transactionId) }.prefix(
                limit))
    }

    static var maxPendingSignInPage: Int { 1000 }

    static func adminTokenEntry(_ record: AdminTokenRecord) -> AdminTokenEntry {
        AdminTokenEntry(
            name: record.name, createdAt: record.createdAt, expiresAt: record.expiresAt, revokedAt: record.revokedAt)
    }

    static func serverKeyPurpose(_ activationId: String) -> String { "activation-server-key:\(activationId)" }

    static func oathSecretPurpose(_ deviceId: String) -> String { "device-oath-secret:\(deviceId)" }

    static func pushKeyPurpose(_ deviceId: String) -> String { "device-push-key:\(deviceId)" }

    static func pushSettingsPurpose(_ provider: String) -> String { "provider-push-settings:\(provider)" }

    static func providerView(_ record: ProviderRecord, currentProviderId: Int64?) throws -> Provider {
        Provider(
            name: record.name, billing: BillingModel(stored: record.billing), tenant: record.tenant,
            createdAt: record.createdAt, isCurrent: currentProviderId != nil && record.id == currentProviderId,
            settings: try providerSettings(record))
    }

    static func providerSettings(_ record: ProviderRecord) throws -> ProviderSettings {
        try JSONDecoder().decode(ProviderSettings.self, from: Data(record.settings.utf8))
    }

    static func activationView(_ record: ActivationRecord, providerName: String) -> Activation {
        Activation(
            id: record.id, provider: providerName, serverPublicKey: Base64URL.encode(record.serverPublicKey),
            createdAt: record.createdAt, isCurrent: record.isCurrent)
    }

    static func userView(_ record: UserRecord, activeDevices: Int) -> User {
        User(
            name: record.name, firstName: record.firstName, lastName: record.lastName, email: record.email,
            phone: record.phone, country: record.country, status: UserStatus(stored: record.status),
            createdAt: record.createdAt, activeDevices: activeDevices, lockedUntil: record.lockedUntil,
            licensed: record.licensed, pushBlockedUntil: record.pushBlockedUntil)
    }

    /// An app paired under an activation that is no longer current is invalidated from the moment of
    /// the re-activation, even before the background sweep has written that into its row.
    static func deviceView(_ record: DeviceRecord, userName: String, currentActivationId: String?) -> Device {
        var record = record
        if record.status == DeviceStatus.active.rawValue, record.activationId != currentActivationId {
            record.status = DeviceStatus.invalidated.rawValue
            record.statusReason = reactivatedReason
        }
        return Device(
            id: record.id, user: userName, activationId: record.activationId,
            platform: DevicePlatform(stored: record.platform),
            environment: PushEnvironment(stored: record.environment),
            hasPushToken: record.pushToken != nil && record.pushTokenInvalidAt == nil, displayName: record.displayName,
            status: DeviceStatus(stored: record.status), statusReason: record.statusReason,
            createdAt: record.createdAt, lastSeenAt: record.lastSeenAt)
    }

    static var timeoutReason: String { "no answer before the deadline" }

    /// The signed challenge sealed with the phone's push key, or nil for a phone paired without one.
    /// A key that does not open (a wrong master key) also gives nil: the phone then fetches the
    /// challenge, which is slower but loses nothing.
    func sealedForPush(_ signed: SignedChallenge, transactionId: String, device: DeviceRecord) -> String? {
        guard let sealedKey = device.pushKeySealed,
            let key = try? secrets.open(sealedKey, purpose: Self.pushKeyPurpose(device.id))
        else { return nil }
        return try? SealedPushChallenge.seal(
            signed, key: key, deviceId: device.id, transactionId: transactionId)
    }

    static func transaction(_ record: ChallengeRecord, userName: String) -> AuthTransaction {
        AuthTransaction(
            transactionId: record.id, user: userName, method: AuthMethod(stored: record.method, fallback: .push),
            state: AuthState(stored: record.state), number: record.asksNumber ? record.number : nil,
            reason: record.reason,
            createdAt: record.createdAt, deadline: record.deadlineAt, answeredAt: record.answeredAt)
    }

    static func phoneSecretPurpose(_ transactionId: String) -> String { "phone-challenge:\(transactionId)" }

    static func telephonySettingsPurpose(_ provider: String) -> String { "provider-telephony-settings:\(provider)" }

    static var smsExpiredReason: String { "the SMS code expired before it was used" }

    static var callTimeoutReason: String { VoiceAnswerRule.timeoutReason }

    static func transaction(_ record: PhoneChallengeRecord, userName: String) -> AuthTransaction {
        AuthTransaction(
            transactionId: record.id, user: userName, method: AuthMethod(stored: record.method, fallback: .sms),
            state: AuthState(stored: record.state), number: nil, reason: record.reason,
            createdAt: record.createdAt, deadline: record.deadlineAt, answeredAt: record.answeredAt)
    }

    static var maxAuthLogPage: Int { 1000 }

    static func logEntry(_ record: AuthLogRecord) -> AuthLogRow {
        AuthLogRow(
            id: record.id ?? 0, time: record.time, user: record.userName, firstName: record.firstName,
            lastName: record.lastName, email: record.email, phone: record.phone, deviceToken: record.deviceToken,
            mode: record.mode, result: AuthLogResult(stored: record.result), outcome: record.outcome,
            reason: record.reason, serverName: record.serverName, serverIP: record.serverIp, clientIP: record.clientIp,
            application: record.application, transactionId: record.transactionId, client: record.relyingParty,
            provider: record.provider)
    }

    static var reactivatedReason: String { "server re-activated" }

    /// Rowids per batch of `markSupersededDevices`: small enough that a waiting write is held for
    /// milliseconds, not seconds.
    static var supersededSweepSpan: Int64 { 10_000 }

    static var resetReason: String { "the user was reset by an administrator" }

    static func appPasswordView(_ record: AppPasswordRecord) -> AppPasswordEntry {
        AppPasswordEntry(id: record.id, name: record.name, createdAt: record.createdAt, lastUsedAt: record.lastUsedAt)
    }

    static func tokenSecretPurpose(_ serial: String) -> String { "hardware-token-secret:\(serial.lowercased())" }

    static func tokenView(_ record: HardwareTokenRecord, userName: String?) -> HardwareToken {
        HardwareToken(
            serial: record.serial, kind: TokenSeed.Kind(stored: record.kind),
            algorithm: OATHAlgorithm(stored: record.algorithm), digits: record.digits,
            period: record.period, user: userName, importedAt: record.importedAt, lastUsedAt: record.lastUsedAt)
    }

    /// The token as a generator the one-time-code rule can match against, its secret opened.
    func tokenCandidate(_ token: HardwareTokenRecord) throws -> OneTimeCodeCandidate {
        let secret = try secrets.open(token.secretSealed, purpose: Self.tokenSecretPurpose(token.serial))
        let hotp = try HOTP(
            secret: Array(secret), algorithm: OATHAlgorithm(stored: token.algorithm), digits: token.digits)
        switch TokenSeed.Kind(stored: token.kind) {
        case .hotp:
            return OneTimeCodeCandidate(hotp: hotp, sequence: .hotp(nextCounter: UInt64(max(0, token.counter))))
        case .totp:
            return OneTimeCodeCandidate(
                hotp: hotp,
                sequence: .totp(period: token.period, lastUsedStep: token.lastStep.map { UInt64(max(0, $0)) }))
        }
    }

    static func clientView(_ record: RelyingPartyRecord) -> RelyingParty {
        RelyingParty(name: record.name, createdAt: record.createdAt, lastUsedAt: record.lastUsedAt)
    }

    static func radiusSecretPurpose(_ id: String) -> String { "radius-client-secret:\(id)" }

    static func radiusUpstreamSecretPurpose(_ id: String) -> String { "radius-upstream-secret:\(id)" }
}

extension SQLiteRegistryStore: RecordViews {}
