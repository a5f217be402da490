import Foundation

// The HTTP API's views made from the domain values, field by field.

extension ProviderView {
    public init(_ domain: Provider) {
        self.init(
            name: domain.name, billing: domain.billing, tenant: domain.tenant, createdAt: domain.createdAt,
            isCurrent: domain.isCurrent, settings: domain.settings)
    }
}

extension ActivationView {
    public init(_ domain: Activation) {
        self.init(
            id: domain.id, provider: domain.provider, serverPublicKey: domain.serverPublicKey,
            createdAt: domain.createdAt, isCurrent: domain.isCurrent)
    }
}

extension UserView {
    public init(_ domain: User) {
        self.init(
            name: domain.name, firstName: domain.firstName, lastName: domain.lastName, email: domain.email,
            phone: domain.phone, country: domain.country, status: domain.status, createdAt: domain.createdAt,
            activeDevices: domain.activeDevices, lockedUntil: domain.lockedUntil, licensed: domain.licensed,
            pushBlockedUntil: domain.pushBlockedUntil)
    }

    /// The user as an administrator should see them at `now`: a code lock or push block that has
    /// ended is not shown.
    public init(_ domain: User, at now: Date) {
        self.init(domain)
        if let until = lockedUntil, until <= now { lockedUntil = nil }
        if let until = pushBlockedUntil, until <= now { pushBlockedUntil = nil }
    }
}

extension DeviceView {
    public init(_ domain: Device) {
        self.init(
            id: domain.id, user: domain.user, activationId: domain.activationId, platform: domain.platform,
            environment: domain.environment, hasPushToken: domain.hasPushToken, displayName: domain.displayName,
            status: domain.status, statusReason: domain.statusReason, createdAt: domain.createdAt,
            lastSeenAt: domain.lastSeenAt)
    }
}

extension ClientView {
    public init(_ domain: RelyingParty) {
        self.init(
            name: domain.name, createdAt: domain.createdAt, lastUsedAt: domain.lastUsedAt)
    }
}

extension TokenView {
    public init(_ domain: HardwareToken) {
        self.init(
            serial: domain.serial, kind: domain.kind, algorithm: domain.algorithm, digits: domain.digits,
            period: domain.period, user: domain.user, importedAt: domain.importedAt, lastUsedAt: domain.lastUsedAt)
    }
}

extension AppPasswordView {
    public init(_ domain: AppPasswordEntry) {
        self.init(
            id: domain.id, name: domain.name, createdAt: domain.createdAt, lastUsedAt: domain.lastUsedAt)
    }
}

extension ReactivationResult {
    public init(_ domain: ReactivationSummary) {
        self.init(
            activation: ActivationView(domain.activation), previousActivationId: domain.previousActivationId,
            previousProvider: domain.previousProvider, usersToRepair: domain.usersToRepair,
            devicesInvalidated: domain.devicesInvalidated, signInsEnded: domain.signInsEnded,
            tenantChanged: domain.tenantChanged, carriedOver: domain.carriedOver)
    }
}

extension UserResetResult {
    public init(_ domain: UserResetSummary) {
        self.init(
            devicesRemoved: domain.devicesRemoved, appPasswordsDeleted: domain.appPasswordsDeleted,
            pendingSignInsEnded: domain.pendingSignInsEnded, activationCodesRevoked: domain.activationCodesRevoked)
    }
}

extension RepairStatus {
    public init(_ domain: RepairProgress) {
        self.init(
            user: domain.user, repaired: domain.repaired, pairingURL: domain.pairingURL, problem: domain.problem,
            expiresAt: domain.expiresAt)
    }
}

extension PruneLogResult {
    public init(_ domain: LogPruning) {
        self.init(
            deleted: domain.deleted, before: domain.before)
    }
}

extension AuthLogEntry {
    public init(_ domain: AuthLogRow) {
        self.init(
            id: domain.id, time: domain.time, user: domain.user, firstName: domain.firstName, lastName: domain.lastName,
            email: domain.email, phone: domain.phone, deviceToken: domain.deviceToken, mode: domain.mode,
            result: domain.result, outcome: domain.outcome, reason: domain.reason, serverName: domain.serverName,
            serverIP: domain.serverIP, clientIP: domain.clientIP, application: domain.application,
            transactionId: domain.transactionId, client: domain.client, provider: domain.provider)
    }
}

extension AuthLogPage {
    public init(_ domain: AuthLogSlice) {
        self.init(
            entries: domain.entries.map(AuthLogEntry.init), nextBefore: domain.nextBefore)
    }
}

extension UsageReport {
    public init(_ domain: UsageMonth) {
        self.init(
            month: domain.month, providers: domain.providers.map(ProviderUsage.init))
    }
}

extension ProviderUsage {
    public init(_ domain: ProviderMonthUsage) {
        self.init(
            provider: domain.provider, billing: domain.billing, usersConfigured: domain.usersConfigured,
            licensedUsers: domain.licensedUsers, verifications: domain.verifications.map(MethodCount.init),
            phoneSends: domain.phoneSends.map(CountryCount.init), billable: domain.billable)
    }
}

extension MethodCount {
    public init(_ domain: VerificationCount) {
        self.init(
            method: domain.method, result: domain.result, count: domain.count)
    }
}

extension CountryCount {
    public init(_ domain: PhoneSendCount) {
        self.init(
            country: domain.country, method: domain.method, count: domain.count)
    }
}
