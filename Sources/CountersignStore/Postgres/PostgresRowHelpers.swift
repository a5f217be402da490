import CountersignCore
import Foundation
import PostgresNIO

// The lookups every part of the Postgres store shares, inside the caller's transaction.
extension PostgresRegistryStore {
    static func currentActivation(_ s: PostgresSession) async throws -> ActivationRecord? {
        try await s.fetchOne(ActivationRecord.self, "SELECT * FROM activation WHERE is_current")
    }

    /// The current activation, share-locked until the transaction ends, so a re-activation waits
    /// for the sign-ins already deciding under it (and they for it). A re-activation that commits
    /// while this waits leaves the row no longer current; the new one is then read, so the caller
    /// sees the activation change rather than none at all.
    static func currentActivationShared(_ s: PostgresSession) async throws -> ActivationRecord? {
        if let locked = try await s.fetchOne(
            ActivationRecord.self, "SELECT * FROM activation WHERE is_current FOR SHARE")
        {
            return locked
        }
        return try await s.fetchOne(ActivationRecord.self, "SELECT * FROM activation WHERE is_current FOR SHARE")
    }

    static func currentProvider(_ s: PostgresSession) async throws -> ProviderRecord? {
        guard let activation = try await currentActivationShared(s) else { return nil }
        return try await s.record(ProviderRecord.self, key: activation.providerId)
    }

    static func providerRecord(named name: String, _ s: PostgresSession) async throws -> ProviderRecord {
        guard let record = try await s.fetchOne(ProviderRecord.self, "SELECT * FROM provider WHERE name = ?", [name])
        else { throw StoreError.providerNotFound(name) }
        return record
    }

    /// The user a sign-in names, if there is one.
    static func user(named name: String, _ s: PostgresSession) async throws -> UserRecord? {
        try await s.fetchOne(UserRecord.self, "SELECT * FROM \"user\" WHERE name = ?", [name])
    }

    static func userRecord(named name: String, _ s: PostgresSession) async throws -> UserRecord {
        guard let record = try await user(named: name, s) else { throw StoreError.userNotFound(name) }
        return record
    }

    static func deviceRecord(id: String, _ s: PostgresSession) async throws -> DeviceRecord {
        guard let record = try await s.record(DeviceRecord.self, key: id) else { throw StoreError.deviceNotFound(id) }
        return record
    }

    static func userView(_ record: UserRecord, _ s: PostgresSession) async throws -> User {
        let activeDevices =
            try await s.value(
                Int.self,
                """
                SELECT COUNT(*) FROM device JOIN activation ON activation.id = device.activation_id
                WHERE device.user_id = ? AND device.status = 'active' AND activation.is_current
                """, [record.id]) ?? 0
        return userView(record, activeDevices: activeDevices)
    }

    static func deviceView(_ record: DeviceRecord, _ s: PostgresSession) async throws -> Device {
        let userName = try await s.record(UserRecord.self, key: record.userId)?.name ?? "?"
        return deviceView(record, userName: userName, currentActivationId: try await currentActivation(s)?.id)
    }

    /// The device a signed request names, locked, with whether its activation is the current one
    /// (share-locked: a re-activation waits): what `acceptDeviceRequest` decides on.
    static let lockedDevice = """
        SELECT device.*, activation.is_current AS activation_is_current FROM device
        JOIN activation ON activation.id = device.activation_id WHERE device.id = ?
        FOR UPDATE OF device FOR SHARE OF activation
        """

    /// Checks a signed device request against the registry: the device still counts, and the
    /// request is newer than the last one accepted from it (which it then becomes). The row is
    /// locked, so two nodes cannot both accept the same timestamp.
    static func acceptDeviceRequest(
        _ s: PostgresSession, deviceId: String, requestTimestampMillis: Int64, now: Date
    ) async throws -> DeviceRecord {
        try await acceptDeviceRequest(
            s, row: try await s.row(lockedDevice, [deviceId]), requestTimestampMillis: requestTimestampMillis,
            now: now)
    }

    /// The same checks on a row already read: one that starts with `lockedDevice`'s columns, nil
    /// when it found no device.
    static func acceptDeviceRequest(
        _ s: PostgresSession, row: PostgresRandomAccessRow?, requestTimestampMillis: Int64, now: Date
    ) async throws -> DeviceRecord {
        guard let row else { throw StoreError.deviceNotActivated }
        var device = try DeviceRecord(from: PostgresRowDecoder(row: row, part: nil))
        let current = try row["activation_is_current"].decode(Bool.self)
        guard device.status == DeviceStatus.active.rawValue, current else {
            throw StoreError.deviceNotActivated
        }
        guard requestTimestampMillis > device.lastRequestMs else { throw StoreError.replayedRequest }
        device.lastRequestMs = requestTimestampMillis
        device.lastSeenAt = now
        // Waits for the caller's next write: the row is locked and nothing reads these columns back.
        try await s.later(
            "UPDATE device SET last_request_ms = ?, last_seen_at = ? WHERE id = ?",
            [requestTimestampMillis, now, device.id])
        return device
    }
}
