import CountersignCore
import Crypto
import Foundation
import GRDB

/// The registry on one SQLite file.
public final class SQLiteRegistryStore: RegistryStore {
    let pool: DatabasePool
    let secrets: SecretBox
    /// The hot paths' writes, committed in batches (see `GroupCommit`).
    let batchedWrites: GroupCommit

    public init(pool: DatabasePool, secrets: SecretBox) {
        self.pool = pool
        self.secrets = secrets
        self.batchedWrites = GroupCommit(pool: pool)
    }

    /// Opens (creating and migrating) the file at `path`; GRDB stays inside this module.
    public static func open(path: String, secrets: SecretBox) throws -> SQLiteRegistryStore {
        SQLiteRegistryStore(pool: try SQLiteDatabase.open(path: path), secrets: secrets)
    }

    // MARK: Providers

    public func createProvider(_ request: NewProvider, now: Date) async throws -> Provider {
        try await pool.write { db in
            if try ProviderRecord.filter(Column("name") == request.name).fetchOne(db) != nil {
                throw StoreError.providerExists(request.name)
            }
            let record = ProviderRecord(
                id: nil, name: request.name, billing: request.billing.rawValue, tenant: request.tenant ?? "default",
                settings: "{}", createdAt: now)
            try record.insert(db)
            return try Self.providerView(record, currentProviderId: Self.currentActivation(db)?.providerId)
        }
    }

    public func providers() async throws -> [Provider] {
        try await pool.read { db in
            let currentProviderId = try Self.currentActivation(db)?.providerId
            return try ProviderRecord.order(Column("name")).fetchAll(db).map {
                try Self.providerView($0, currentProviderId: currentProviderId)
            }
        }
    }

    public func provider(named name: String) async throws -> Provider {
        try await pool.read { db in
            let record = try Self.providerRecord(named: name, db)
            return try Self.providerView(record, currentProviderId: Self.currentActivation(db)?.providerId)
        }
    }

    public func setPushSettings(_ settings: ProviderPushSettings, provider: String) async throws {
        let sealed = try secrets.seal(try JSONEncoder().encode(settings), purpose: Self.pushSettingsPurpose(provider))
        try await pool.write { db in
            _ = try Self.providerRecord(named: provider, db)
            try db.execute(
                sql: "UPDATE provider SET push_settings_sealed = ? WHERE name = ?", arguments: [sealed, provider])
        }
    }

    public func pushSettings(provider: String) async throws -> ProviderPushSettings? {
        let sealed = try await pool.read { db in
            _ = try Self.providerRecord(named: provider, db)
            return try Data.fetchOne(
                db, sql: "SELECT push_settings_sealed FROM provider WHERE name = ?", arguments: [provider])
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
        return try await pool.write { db in
            let provider = try Self.providerRecord(named: providerName, db)
            if let current = try Self.currentActivation(db) {
                let currentProvider = try Self.cachedRecord(ProviderRecord.self, id: current.providerId, db)
                throw StoreError.alreadyActivated(provider: currentProvider?.name ?? "?")
            }
            let record = ActivationRecord(
                id: id, providerId: provider.id ?? 0, serverPublicKey: serverKey.publicKey.x963Representation,
                serverPrivateKeySealed: sealedKey, isCurrent: true, createdAt: now, supersededAt: nil)
            try record.insert(db)
            return Self.activationView(record, providerName: provider.name)
        }
    }

    public func currentActivation() async throws -> Activation? {
        try await pool.read { db in
            guard let record = try Self.currentActivation(db) else { return nil }
            let provider = try Self.cachedRecord(ProviderRecord.self, id: record.providerId, db)
            return Self.activationView(record, providerName: provider?.name ?? "?")
        }
    }

    public func serverSigningKey(activationId: String) async throws -> P256.Signing.PrivateKey {
        let sealed = try await pool.read { db in
            try Self.cachedRecord(ActivationRecord.self, id: activationId, db)?.serverPrivateKeySealed
        }
        guard let sealed else { throw StoreError.notActivated }
        let raw = try secrets.open(sealed, purpose: Self.serverKeyPurpose(activationId))
        return try P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    // MARK: Users

    public func createUser(_ request: NewUser, now: Date) async throws -> User {
        try await pool.write { db in
            if try UserRecord.filter(Column("name") == request.name).fetchOne(db) != nil {
                throw StoreError.userExists(request.name)
            }
            let record = UserRecord(
                id: nil, name: request.name, firstName: request.firstName, lastName: request.lastName,
                email: request.email, phone: request.phone, country: request.country,
                status: UserStatus.enabled.rawValue, createdAt: now, pushBlockedUntil: nil)
            try record.insert(db)
            return try Self.userView(record, db)
        }
    }

    public func users(page: PageRequest) async throws -> Page<User> {
        try await pool.read { db in
            var request = UserRecord.order(Column("name")).limit(page.limit + 1)
            if let after = page.after { request = request.filter(Column("name") > after) }
            let records = try request.fetchAll(db)
            // One grouped count for the page's users rather than one query per user.
            let ids = records.compactMap(\.id)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT device.user_id AS user_id, COUNT(*) AS n FROM device
                    JOIN activation ON activation.id = device.activation_id
                    WHERE device.status = 'active' AND activation.is_current
                    AND device.user_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                    GROUP BY device.user_id
                    """, arguments: StatementArguments(ids))
            var activeDevices: [Int64: Int] = [:]
            for row in rows { activeDevices[row["user_id"]] = row["n"] }
            let users = records.map { Self.userView($0, activeDevices: activeDevices[$0.id ?? 0] ?? 0) }
            return page.page(of: users, key: \.name)
        }
    }

    public func user(named name: String) async throws -> User {
        try await pool.read { db in try Self.userView(Self.userRecord(named: name, db), db) }
    }

    public func setUserStatus(_ name: String, to status: UserStatus) async throws -> User {
        try await pool.write { db in
            var record = try Self.userRecord(named: name, db)
            record.status = status.rawValue
            try record.update(db)
            return try Self.userView(record, db)
        }
    }

    public func deleteUser(_ name: String) async throws {
        try await pool.write { db in
            // Devices and activation codes go with the user (ON DELETE CASCADE).
            _ = try Self.userRecord(named: name, db).delete(db)
        }
    }

    public func counts() async throws -> RegistryCounts {
        try await pool.read { db in
            let users = try UserRecord.fetchCount(db)
            let devices = try DeviceRecord.filter(Column("status") != DeviceStatus.removed.rawValue).fetchCount(db)
            let active =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM device JOIN activation ON activation.id = device.activation_id
                        WHERE device.status = 'active' AND activation.is_current
                        """) ?? 0
            return RegistryCounts(users: users, devices: devices, activeDevices: active)
        }
    }

    // MARK: Pairing

    public func createActivationCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws {
        try await pool.write { db in
            try Self.insertActivationCode(
                db, user: user, codeHash: codeHash, expiresAt: expiresAt, fromCampaign: false, now: now)
        }
    }

    public func createCampaignCode(user: String, codeHash: String, expiresAt: Date, now: Date) async throws {
        try await pool.write { db in
            try Self.insertActivationCode(
                db, user: user, codeHash: codeHash, expiresAt: expiresAt, fromCampaign: true, now: now)
        }
    }

    public func revokeCampaignCodes() async throws -> Int {
        try await pool.write { db in
            try ActivationCodeRecord.filter(Column("from_campaign") == true && Column("used_at") == nil).deleteAll(db)
        }
    }

    static func insertActivationCode(
        _ db: Database, user: String, codeHash: String, expiresAt: Date, fromCampaign: Bool, now: Date
    ) throws {
        let userRecord = try Self.userRecord(named: user, db)
        guard userRecord.status == UserStatus.enabled.rawValue else { throw StoreError.userDisabled(user) }
        guard let activation = try Self.currentActivation(db) else { throw StoreError.notActivated }
        try ActivationCodeRecord(
            codeHash: codeHash, userId: userRecord.id ?? 0, activationId: activation.id, createdAt: now,
            expiresAt: expiresAt, usedAt: nil, deviceId: nil, fromCampaign: fromCampaign
        ).insert(db)
    }

    public func redeemActivationCode(codeHash: String, device: NewDevice, now: Date) async throws -> PairedDevice {
        let deviceId = UUID().uuidString.lowercased()
        let sealedSecret = try secrets.seal(device.oathSecret, purpose: Self.oathSecretPurpose(deviceId))
        let sealedPushKey = try device.pushKey.map { try secrets.seal($0, purpose: Self.pushKeyPurpose(deviceId)) }
        return try await pool.write { db in
            guard var code = try ActivationCodeRecord.fetchOne(db, key: codeHash) else {
                throw StoreError.unknownActivationCode
            }
            guard code.usedAt == nil else { throw StoreError.activationCodeUsed }
            guard code.expiresAt > now else { throw StoreError.activationCodeExpired }
            guard let activation = try Self.currentActivation(db), activation.id == code.activationId else {
                throw StoreError.activationCodeForOldActivation
            }
            guard let user = try Self.cachedRecord(UserRecord.self, id: code.userId, db) else {
                throw StoreError.unknownActivationCode
            }
            guard user.status == UserStatus.enabled.rawValue else { throw StoreError.userDisabled(user.name) }

            let record = DeviceRecord(
                pairing: device, id: deviceId, userId: code.userId, activationId: activation.id,
                oathSecretSealed: sealedSecret, pushKeySealed: sealedPushKey, now: now)
            try record.insert(db)
            code.usedAt = now
            code.deviceId = deviceId
            try code.update(db)
            let provider = try Self.cachedRecord(ProviderRecord.self, id: activation.providerId, db)
            return PairedDevice(
                device: Self.deviceView(record, userName: user.name, currentActivationId: record.activationId),
                activation: Self.activationView(activation, providerName: provider?.name ?? "?"))
        }
    }

    // MARK: Devices

    public func devices(user: String?, page: PageRequest) async throws -> Page<Device> {
        try await pool.read { db in
            let current = try Self.currentActivation(db)?.id
            // rowid is the order of pairing, and a key no two devices share.
            var sql =
                "SELECT device.*, device.rowid AS page_key, user.name AS user_name FROM device "
                + "JOIN user ON user.id = device.user_id WHERE device.rowid > ?"
            var arguments: StatementArguments = [page.after.flatMap { Int64($0) } ?? 0]
            if let user {
                _ = try Self.userRecord(named: user, db)
                sql += " AND user.name = ?"
                _ = arguments.append(contentsOf: [user])
            }
            sql += " ORDER BY device.rowid LIMIT ?"
            _ = arguments.append(contentsOf: [page.limit + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (
                    key: row["page_key"] as Int64,
                    device: Self.deviceView(
                        try DeviceRecord(row: row), userName: row["user_name"], currentActivationId: current)
                )
            }
            return page.page(of: rows) { String($0.key) }.map(\.device)
        }
    }

    public func device(id: String) async throws -> Device {
        try await pool.read { db in try Self.deviceView(Self.deviceRecord(id: id, db), db) }
    }

    public func deviceCredentials(id: String) async throws -> DeviceCredentials {
        try await pool.read { db in
            let record = try Self.deviceRecord(id: id, db)
            let activation = try Self.cachedRecord(ActivationRecord.self, id: record.activationId, db)
            let user = try Self.cachedRecord(UserRecord.self, id: record.userId, db)
            return DeviceCredentials(
                deviceId: record.id, user: user?.name ?? "?", activationId: record.activationId,
                publicKey: record.publicKey, platform: DevicePlatform(stored: record.platform),
                status: DeviceStatus(stored: record.status),
                activationIsCurrent: activation?.isCurrent ?? false)
        }
    }

    public func deviceOATHSecret(id: String) async throws -> [UInt8] {
        let sealed = try await pool.read { db in try Self.deviceRecord(id: id, db).oathSecretSealed }
        return Array(try secrets.open(sealed, purpose: Self.oathSecretPurpose(id)))
    }

    public func removeDevice(id: String, now: Date) async throws -> Device {
        try await pool.write { db in
            var record = try Self.deviceRecord(id: id, db)
            if record.status != DeviceStatus.removed.rawValue {
                record.status = DeviceStatus.removed.rawValue
                record.statusReason = "removed by an administrator"
                record.statusChangedAt = now
                try record.update(db)
            }
            return try Self.deviceView(record, db)
        }
    }

    public func updatePushToken(
        deviceId: String, token: String, environment: PushEnvironment?, requestTimestampMillis: Int64, now: Date
    ) async throws -> Device {
        try await pool.write { db in
            var record = try Self.acceptDeviceRequest(
                db, deviceId: deviceId, requestTimestampMillis: requestTimestampMillis, now: now)
            record.pushToken = token
            record.pushTokenInvalidAt = nil
            record.pushTokenInvalidReason = nil
            if let environment { record.environment = environment.rawValue }
            try record.update(db)
            return try Self.deviceView(record, db)
        }
    }

    // MARK: Admin tokens

    public func createAdminToken(id: String, secretHash: String, name: String, expiresAt: Date?, now: Date)
        async throws
    {
        try await pool.write { db in
            let taken = try AdminTokenRecord.filter(Column("name") == name && Column("revoked_at") == nil).fetchCount(
                db)
            guard taken == 0 else { throw StoreError.adminTokenExists(name) }
            try AdminTokenRecord(
                id: id, secretHash: secretHash, name: name, createdAt: now, expiresAt: expiresAt, revokedAt: nil
            ).insert(db)
        }
    }

    public func usableAdminToken(id: String, now: Date) async throws -> (name: String, secretHash: String)? {
        // Read on every admin request, never cached: a revocation works from the next request on.
        try await pool.read { db in
            guard let record = try AdminTokenRecord.fetchOne(db, key: id), record.isUsable(at: now) else { return nil }
            return (record.name, record.secretHash)
        }
    }

    public func adminTokens() async throws -> [AdminTokenEntry] {
        try await pool.read { db in
            try AdminTokenRecord.order(Column("created_at"), Column("name")).fetchAll(db).map(Self.adminTokenEntry)
        }
    }

    public func revokeAdminToken(name: String, now: Date) async throws -> AdminTokenEntry {
        try await pool.write { db in
            let usable = try AdminTokenRecord.fetchAll(db).filter { $0.isUsable(at: now) }
            guard var record = usable.first(where: { $0.name == name }) else {
                throw StoreError.adminTokenNotFound(name)
            }
            guard usable.count > 1 else { throw StoreError.lastAdminToken(name) }
            record.revokedAt = now
            try record.update(db)
            return Self.adminTokenEntry(record)
        }
    }

    public func hasAdminTokens() async throws -> Bool {
        try await pool.read { db in try AdminTokenRecord.fetchCount(db) > 0 }
    }
}

// MARK: - Row helpers

extension SQLiteRegistryStore {

    static func currentActivation(_ db: Database) throws -> ActivationRecord? {
        try ActivationRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM activation WHERE is_current"))
    }

    /// One row by its `id`, through a statement each connection compiles once: the sign-in path
    /// looks rows up by key many times per request.
    static func cachedRecord<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, id: some DatabaseValueConvertible, _ db: Database
    ) throws -> Record? {
        try Record.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM \"\(Record.databaseTableName)\" WHERE id = ?"), arguments: [id])
    }

    static func providerRecord(named name: String, _ db: Database) throws -> ProviderRecord {
        guard let record = try ProviderRecord.filter(Column("name") == name).fetchOne(db) else {
            throw StoreError.providerNotFound(name)
        }
        return record
    }

    static func userRecord(named name: String, _ db: Database) throws -> UserRecord {
        guard let record = try UserRecord.filter(Column("name") == name).fetchOne(db) else {
            throw StoreError.userNotFound(name)
        }
        return record
    }

    static func deviceRecord(id: String, _ db: Database) throws -> DeviceRecord {
        guard let record = try Self.cachedRecord(DeviceRecord.self, id: id, db) else {
            throw StoreError.deviceNotFound(id)
        }
        return record
    }

    public func updateProviderSettings(name: String, _ change: @Sendable (inout ProviderSettings) -> Void)
        async throws -> Provider
    {
        try await pool.write { db in
            var record = try Self.providerRecord(named: name, db)
            var settings = try Self.providerSettings(record)
            change(&settings)
            record.settings = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            try record.update(db)
            return try Self.providerView(record, currentProviderId: Self.currentActivation(db)?.providerId)
        }
    }

    static func userView(_ record: UserRecord, _ db: Database) throws -> User {
        let activeDevices =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM device JOIN activation ON activation.id = device.activation_id
                    WHERE device.user_id = ? AND device.status = 'active' AND activation.is_current
                    """, arguments: [record.id]) ?? 0
        return userView(record, activeDevices: activeDevices)
    }

    static func deviceView(_ record: DeviceRecord, _ db: Database) throws -> Device {
        let userName = try Self.cachedRecord(UserRecord.self, id: record.userId, db)?.name ?? "?"
        return deviceView(record, userName: userName, currentActivationId: try Self.currentActivation(db)?.id)
    }

}
