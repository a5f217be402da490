import CountersignCore
import Crypto
import Foundation
import Logging

/// The registry on a PostgreSQL database that several nodes share. It keeps the SQLite store's
/// records, views, sealed secrets and rules; what differs is how it reads and writes (see
/// `PostgresDatabase` for the transactions) and the outbox's leases.
public final class PostgresRegistryStore: RegistryStore, RecordViews {
    let database: PostgresDatabase
    let secrets: SecretBox
    /// This node's name, recorded on the pushes it claims.
    public let nodeName: String
    /// How long a claimed push belongs to its node; after that another node may send it.
    let pushLease: TimeInterval

    init(database: PostgresDatabase, secrets: SecretBox, nodeName: String, pushLease: TimeInterval) {
        self.database = database
        self.secrets = secrets
        self.nodeName = nodeName
        self.pushLease = pushLease
    }

    /// Connects and migrates, then checks that this master key opens what the database holds (the
    /// first node to start seals a known value; every later one must open it). A node with another
    /// key refuses to start with `StoreError.masterKeyMismatch` before it serves anything.
    public static func open(
        location: PostgresLocation, secrets: SecretBox, nodeName: String, pushLease: TimeInterval = 10,
        logger: Logger = Logger(label: "countersign.postgres"), connectionWait: Duration = .seconds(5)
    ) async throws -> PostgresRegistryStore {
        let database = try await PostgresDatabase.open(
            location: location, logger: logger, connectionWait: connectionWait)
        let store = PostgresRegistryStore(
            database: database, secrets: secrets, nodeName: nodeName, pushLease: pushLease)
        try await store.checkMasterKey()
        return store
    }

    static let keyCheckPurpose = "master-key-check"
    static let keyCheckPlain = Data("countersign master key check".utf8)

    func checkMasterKey() async throws {
        let candidate = try secrets.seal(Self.keyCheckPlain, purpose: Self.keyCheckPurpose)
        let stored = try await database.write { s in
            try await s.execute(
                "INSERT INTO key_check (id, sealed, created_at) VALUES (1, ?, now()) ON CONFLICT (id) DO NOTHING",
                [candidate])
            return try await s.value(Data.self, "SELECT sealed FROM key_check WHERE id = 1")
        }
        guard let stored, (try? secrets.open(stored, purpose: Self.keyCheckPurpose)) == Self.keyCheckPlain else {
            throw StoreError.masterKeyMismatch
        }
    }

    // MARK: Providers

    public func createProvider(_ request: NewProvider, now: Date) async throws -> Provider {
        try await database.write { s in
            if try await s.value(Int64.self, "SELECT id FROM provider WHERE name = ?", [request.name]) != nil {
                throw StoreError.providerExists(request.name)
            }
            var record = ProviderRecord(
                id: nil, name: request.name, billing: request.billing.rawValue, tenant: request.tenant ?? "default",
                settings: "{}", createdAt: now)
            record.id = try await s.insert(record)
            return try Self.providerView(record, currentProviderId: try await Self.currentActivation(s)?.providerId)
        }
    }

    public func providers() async throws -> [Provider] {
        try await database.read { s in
            let currentProviderId = try await Self.currentActivation(s)?.providerId
            return try await s.fetch(ProviderRecord.self, "SELECT * FROM provider ORDER BY name").map {
                try Self.providerView($0, currentProviderId: currentProviderId)
            }
        }
    }

    public func provider(named name: String) async throws -> Provider {
        try await database.read { s in
            let record = try await Self.providerRecord(named: name, s)
            return try Self.providerView(record, currentProviderId: try await Self.currentActivation(s)?.providerId)
        }
    }

    public func updateProviderSettings(name: String, _ change: @Sendable (inout ProviderSettings) -> Void)
        async throws -> Provider
    {
        // The change is a closure the caller keeps, so it runs here, between reading the settings
        // and writing them only if nobody changed them meanwhile (read again and retried if so).
        while true {
            let read = try await database.read { s in try await Self.providerRecord(named: name, s) }
            var settings = try Self.providerSettings(read)
            change(&settings)
            var record = read
            record.settings = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            let written = record
            let provider = try await database.write { s -> Provider? in
                guard
                    try await s.changes(
                        "UPDATE provider SET settings = ? WHERE id = ? AND settings = ? RETURNING 1",
                        [written.settings, written.id, read.settings]) == 1
                else { return nil }
                return try Self.providerView(
                    written, currentProviderId: try await Self.currentActivation(s)?.providerId)
            }
            if let provider { return provider }
        }
    }

    public func setPushSettings(_ settings: ProviderPushSettings, provider: String) async throws {
        let sealed = try secrets.seal(try JSONEncoder().encode(settings), purpose: Self.pushSettingsPurpose(provider))
        try await database.write { s in
            _ = try await Self.providerRecord(named: provider, s)
            try await s.execute("UPDATE provider SET push_settings_sealed = ? WHERE name = ?", [sealed, provider])
        }
    }

    public func pushSettings(provider: String) async throws -> ProviderPushSettings? {
        let sealed = try await database.read { s in
            _ = try await Self.providerRecord(named: provider, s)
            return try await s.value(Data.self, "SELECT push_settings_sealed FROM provider WHERE name = ?", [provider])
        }
        guard let sealed else { return nil }
        return try JSONDecoder().decode(
            ProviderPushSettings.self, from: try secrets.open(sealed, purpose: Self.pushSettingsPurpose(provider)))
    }

    // MARK: Activations

    public func activate(providerName: String, serverKey: P256.Signing.PrivateKey, now: Date) async throws
        -> Activation
    {
        let id = UUID().uuidString.lowercased()
        let sealedKey = try secrets.seal(serverKey.rawRepresentation, purpose: Self.serverKeyPurpose(id))
        let publicKey = serverKey.publicKey.x963Representation
        return try await database.write { s in
            let provider = try await Self.providerRecord(named: providerName, s)
            if let current = try await Self.currentActivation(s) {
                let currentProvider = try await s.record(ProviderRecord.self, key: current.providerId)
                throw StoreError.alreadyActivated(provider: currentProvider?.name ?? "?")
            }
            let record = ActivationRecord(
                id: id, providerId: provider.id ?? 0, serverPublicKey: publicKey, serverPrivateKeySealed: sealedKey,
                isCurrent: true, createdAt: now, supersededAt: nil)
            try await s.insert(record)
            return Self.activationView(record, providerName: provider.name)
        }
    }

    public func currentActivation() async throws -> Activation? {
        try await database.read { s in
            guard let record = try await Self.currentActivation(s) else { return nil }
            let provider = try await s.record(ProviderRecord.self, key: record.providerId)
            return Self.activationView(record, providerName: provider?.name ?? "?")
        }
    }

    public func serverSigningKey(activationId: String) async throws -> P256.Signing.PrivateKey {
        let sealed = try await database.read { s in
            try await s.record(ActivationRecord.self, key: activationId)?.serverPrivateKeySealed
        }
        guard let sealed else { throw StoreError.notActivated }
        let raw = try secrets.open(sealed, purpose: Self.serverKeyPurpose(activationId))
        return try P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    // MARK: Users

    public func createUser(_ request: NewUser, now: Date) async throws -> User {
        try await database.write { s in
            if try await Self.user(named: request.name, s) != nil { throw StoreError.userExists(request.name) }
            var record = UserRecord(
                id: nil, name: request.name, firstName: request.firstName, lastName: request.lastName,
                email: request.email, phone: request.phone, country: request.country,
                status: UserStatus.enabled.rawValue, createdAt: now, pushBlockedUntil: nil)
            record.id = try await s.insert(record)
            return Self.userView(record, activeDevices: 0)
        }
    }

    public func users(page: PageRequest) async throws -> Page<User> {
        try await database.read { s in
            let records =
                if let after = page.after {
                    try await s.fetch(
                        UserRecord.self, "SELECT * FROM \"user\" WHERE name > ? ORDER BY name LIMIT ?",
                        [after, page.limit + 1])
                } else {
                    try await s.fetch(UserRecord.self, "SELECT * FROM \"user\" ORDER BY name LIMIT ?", [page.limit + 1])
                }
            // One grouped count for the page's users rather than one query per user.
            var activeDevices: [Int64: Int] = [:]
            for row in try await s.rows(
                """
                SELECT device.user_id, COUNT(*) FROM device JOIN activation ON activation.id = device.activation_id
                WHERE device.status = 'active' AND activation.is_current AND device.user_id = ANY(?)
                GROUP BY device.user_id
                """, [records.compactMap(\.id)])
            {
                activeDevices[try row[0].decode(Int64.self)] = try row[1].decode(Int.self)
            }
            let users = records.map { Self.userView($0, activeDevices: activeDevices[$0.id ?? 0] ?? 0) }
            return page.page(of: users, key: \.name)
        }
    }

    public func user(named name: String) async throws -> User {
        try await database.read { s in try await Self.userView(try await Self.userRecord(named: name, s), s) }
    }

    public func setUserStatus(_ name: String, to status: UserStatus) async throws -> User {
        try await database.write { s in
            var record = try await Self.userRecord(named: name, s)
            record.status = status.rawValue
            try await s.update(record)
            return try await Self.userView(record, s)
        }
    }

    public func deleteUser(_ name: String) async throws {
        try await database.write { s in
            // Devices and activation codes go with the user (ON DELETE CASCADE).
            try await s.delete(try await Self.userRecord(named: name, s))
        }
    }

    public func counts() async throws -> RegistryCounts {
        try await database.read { s in
            let users = try await s.value(Int.self, "SELECT COUNT(*) FROM \"user\"") ?? 0
            let devices = try await s.value(Int.self, "SELECT COUNT(*) FROM device WHERE status != 'removed'") ?? 0
            let active =
                try await s.value(
                    Int.self,
                    """
                    SELECT COUNT(*) FROM device JOIN activation ON activation.id = device.activation_id
                    WHERE device.status = 'active' AND activation.is_current
                    """) ?? 0
            return RegistryCounts(users: users, devices: devices, activeDevices: active)
        }
    }

    public func setLicense(user name: String, licensed: Bool) async throws -> User {
        try await database.write { s in
            var record = try await Self.userRecord(named: name, s)
            record.licensed = licensed
            try await s.update(record)
            return try await Self.userView(record, s)
        }
    }

    public func unlockUser(_ name: String) async throws -> User {
        try await database.write { s in
            var record = try await Self.userRecord(named: name, s)
            record.codeAttemptCounters = CodeLockout.unlocked
            // The helpdesk's one lever: a fraud report's push block is lifted with the code lock.
            record.pushBlockedUntil = nil
            try await s.update(record)
            try await s.execute("DELETE FROM code_throttle WHERE user_id = ?", [record.id])
            return try await Self.userView(record, s)
        }
    }

    // MARK: Pairing

    public func createActivationCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws {
        try await database.write { s in
            try await Self.insertActivationCode(
                s, user: user, codeHash: codeHash, expiresAt: expiresAt, fromCampaign: false, now: now)
        }
    }

    public func createCampaignCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws {
        try await database.write { s in
            try await Self.insertActivationCode(
                s, user: user, codeHash: codeHash, expiresAt: expiresAt, fromCampaign: true, now: now)
        }
    }

    public func revokeCampaignCodes() async throws -> Int {
        try await database.write { s in
            try await s.changes(
                "DELETE FROM activation_code WHERE from_campaign AND used_at IS NULL RETURNING 1")
        }
    }

    static func insertActivationCode(
        _ s: PostgresSession, user: String, codeHash: String, expiresAt: Date, fromCampaign: Bool, now: Date
    ) async throws {
        let userRecord = try await Self.userRecord(named: user, s)
        guard userRecord.status == UserStatus.enabled.rawValue else { throw StoreError.userDisabled(user) }
        guard let activation = try await Self.currentActivation(s) else { throw StoreError.notActivated }
        try await s.insert(
            ActivationCodeRecord(
                codeHash: codeHash, userId: userRecord.id ?? 0, activationId: activation.id, createdAt: now,
                expiresAt: expiresAt, usedAt: nil, deviceId: nil, fromCampaign: fromCampaign))
    }

    public func redeemActivationCode(codeHash: String, device: NewDevice, now: Date) async throws -> PairedDevice {
        let deviceId = UUID().uuidString.lowercased()
        let sealedSecret = try secrets.seal(device.oathSecret, purpose: Self.oathSecretPurpose(deviceId))
        let sealedPushKey = try device.pushKey.map { try secrets.seal($0, purpose: Self.pushKeyPurpose(deviceId)) }
        return try await database.write { s in
            guard var code = try await s.record(ActivationCodeRecord.self, key: codeHash) else {
                throw StoreError.unknownActivationCode
            }
            guard code.usedAt == nil else { throw StoreError.activationCodeUsed }
            guard code.expiresAt > now else { throw StoreError.activationCodeExpired }
            guard let activation = try await Self.currentActivation(s), activation.id == code.activationId else {
                throw StoreError.activationCodeForOldActivation
            }
            guard let user = try await s.record(UserRecord.self, key: code.userId) else {
                throw StoreError.unknownActivationCode
            }
            guard user.status == UserStatus.enabled.rawValue else { throw StoreError.userDisabled(user.name) }
            let record = DeviceRecord(
                pairing: device, id: deviceId, userId: code.userId, activationId: activation.id,
                oathSecretSealed: sealedSecret, pushKeySealed: sealedPushKey, now: now)
            try await s.insert(record)
            code.usedAt = now
            code.deviceId = deviceId
            try await s.update(code)
            let provider = try await s.record(ProviderRecord.self, key: activation.providerId)
            return PairedDevice(
                device: Self.deviceView(record, userName: user.name, currentActivationId: record.activationId),
                activation: Self.activationView(activation, providerName: provider?.name ?? "?"))
        }
    }

    // MARK: Devices

    public func devices(user: String?, page: PageRequest) async throws -> Page<Device> {
        try await database.read { s in
            let current = try await Self.currentActivation(s)?.id
            // seq is the order of pairing, and a key no two devices share.
            var sql = """
                SELECT device.*, "user".name AS user_name FROM device JOIN "user" ON "user".id = device.user_id
                WHERE device.seq > ?
                """
            var values: [SQLValue] = [page.after.flatMap { Int64($0) } ?? 0]
            if let user {
                _ = try await Self.userRecord(named: user, s)
                sql += " AND \"user\".name = ?"
                values.append(user)
            }
            sql += " ORDER BY device.seq LIMIT ?"
            values.append(page.limit + 1)
            let rows = try await s.rows(sql, values).map { row in
                (
                    key: try row["seq"].decode(Int64.self),
                    device: Self.deviceView(
                        try DeviceRecord(from: PostgresRowDecoder(row: row)),
                        userName: try row["user_name"].decode(String.self), currentActivationId: current)
                )
            }
            return page.page(of: rows) { String($0.key) }.map(\.device)
        }
    }

    public func device(id: String) async throws -> Device {
        try await database.read { s in try await Self.deviceView(try await Self.deviceRecord(id: id, s), s) }
    }

    public func deviceCredentials(id: String) async throws -> DeviceCredentials {
        try await database.read { s in
            let record = try await Self.deviceRecord(id: id, s)
            let activation = try await s.record(ActivationRecord.self, key: record.activationId)
            let user = try await s.record(UserRecord.self, key: record.userId)
            return DeviceCredentials(
                deviceId: record.id, user: user?.name ?? "?", activationId: record.activationId,
                publicKey: record.publicKey, platform: DevicePlatform(stored: record.platform),
                status: DeviceStatus(stored: record.status), activationIsCurrent: activation?.isCurrent ?? false)
        }
    }

    public func deviceOATHSecret(id: String) async throws -> [UInt8] {
        let sealed = try await database.read { s in try await Self.deviceRecord(id: id, s).oathSecretSealed }
        return Array(try secrets.open(sealed, purpose: Self.oathSecretPurpose(id)))
    }

    public func removeDevice(id: String, now: Date) async throws -> Device {
        try await database.write { s in
            var record = try await Self.deviceRecord(id: id, s)
            if record.status != DeviceStatus.removed.rawValue {
                record.status = DeviceStatus.removed.rawValue
                record.statusReason = "removed by an administrator"
                record.statusChangedAt = now
                try await s.update(record)
            }
            return try await Self.deviceView(record, s)
        }
    }

    public func updatePushToken(
        deviceId: String, token: String, environment: PushEnvironment?, requestTimestampMillis: Int64, now: Date
    ) async throws -> Device {
        try await database.locked { s in
            var record = try await Self.acceptDeviceRequest(
                s, deviceId: deviceId, requestTimestampMillis: requestTimestampMillis, now: now)
            record.pushToken = token
            record.pushTokenInvalidAt = nil
            record.pushTokenInvalidReason = nil
            if let environment { record.environment = environment.rawValue }
            try await s.update(record)
            return try await Self.deviceView(record, s)
        }
    }

    // MARK: Admin tokens

    public func createAdminToken(id: String, secretHash: String, name: String, expiresAt: Date?, now: Date)
        async throws
    {
        try await database.write { s in
            let taken =
                try await s.value(
                    Int.self, "SELECT COUNT(*) FROM admin_token WHERE name = ? AND revoked_at IS NULL", [name]) ?? 0
            guard taken == 0 else { throw StoreError.adminTokenExists(name) }
            try await s.insert(
                AdminTokenRecord(
                    id: id, secretHash: secretHash, name: name, createdAt: now, expiresAt: expiresAt, revokedAt: nil))
        }
    }

    public func usableAdminToken(id: String, now: Date) async throws -> (name: String, secretHash: String)? {
        // Read on every admin request, never cached: a revocation works from the next request on.
        let record = try await database.read { s in try await s.record(AdminTokenRecord.self, key: id) }
        guard let record, record.isUsable(at: now) else { return nil }
        return (record.name, record.secretHash)
    }

    public func adminTokens() async throws -> [AdminTokenEntry] {
        try await database.read { s in
            try await s.fetch(AdminTokenRecord.self, "SELECT * FROM admin_token ORDER BY created_at, name").map(
                Self.adminTokenEntry)
        }
    }

    public func revokeAdminToken(name: String, now: Date) async throws -> AdminTokenEntry {
        try await database.write { s in
            let usable = try await s.fetch(AdminTokenRecord.self, "SELECT * FROM admin_token").filter {
                $0.isUsable(at: now)
            }
            guard var record = usable.first(where: { $0.name == name }) else {
                throw StoreError.adminTokenNotFound(name)
            }
            guard usable.count > 1 else { throw StoreError.lastAdminToken(name) }
            record.revokedAt = now
            try await s.update(record)
            return Self.adminTokenEntry(record)
        }
    }

    public func hasAdminTokens() async throws -> Bool {
        try await database.read { s in
            try await s.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM admin_token)") ?? false
        }
    }
}
