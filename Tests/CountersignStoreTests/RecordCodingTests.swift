import CountersignCore
import Foundation
import GRDB
import Testing

@testable import CountersignStore

/// The records read and written by hand (HotRecordCoding.swift) agree with GRDB's Codable path on
/// every column, with every optional set and with every optional empty.
@Suite("Hand-written record coding")
struct RecordCodingTests {
    /// Every stored property as text; dates to the millisecond, as they are stored.
    func fields(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.map { child in
            let label = child.label ?? "?"
            let inner = Mirror(reflecting: child.value)
            let unwrapped: Any? = inner.displayStyle == .optional ? inner.children.first?.value : child.value
            guard let value = unwrapped else { return "\(label)=nil" }
            switch value {
            case let date as Date: return "\(label)=\((date.timeIntervalSince1970 * 1000).rounded())"
            case let data as Data: return "\(label)=\(Hex.encode(data))"
            default: return "\(label)=\(value)"
            }
        }
    }

    /// Decodes the stored row both ways and checks they agree with each other and with `expected`.
    func checkRead<Record: FetchableRecord & Decodable>(
        _ type: Record.Type, _ sql: String, _ key: any DatabaseValueConvertible, expected: Record, _ db: Database
    ) throws {
        let row = try #require(try Row.fetchOne(db, sql: sql, arguments: [key]))
        let byHand = try Record(row: row)
        let byCodable = try FetchableRecordDecoder().decode(Record.self, from: row)
        #expect(fields(byHand) == fields(byCodable))
        #expect(fields(byHand) == fields(expected))
    }

    @Test("challenges, devices, users, activations and log rows read back as written, both ways")
    func roundTrips() async throws {
        let fixture = try StoreFixture()
        let (pool, store) = try await fixture.seeded()
        try await store.createActivationCode(
            user: "alice", codeHash: "h", expiresAt: fixture.now.addingTimeInterval(600), now: fixture.now)
        let paired = try await store.redeemActivationCode(codeHash: "h", device: fixture.newDevice(), now: fixture.now)
        let now = Date(timeIntervalSince1970: 1_800_000_123.456)
        try await pool.write { db in
            let activation = try #require(try SQLiteRegistryStore.currentActivation(db))
            try checkRead(
                ActivationRecord.self, "SELECT * FROM activation WHERE id = ?", activation.id, expected: activation, db)

            var user = try #require(try SQLiteRegistryStore.user(named: "alice", db))
            user.firstName = "Alice"
            user.lastName = "Liddell"
            user.email = "alice@example.com"
            user.phone = "+15551234567"
            user.country = "US"
            user.pushBlockedUntil = now
            user.lockedUntil = now.addingTimeInterval(60)
            user.failedAttempts = 3
            user.lockouts = 1
            user.licensed = true
            try user.update(db)
            try checkRead(UserRecord.self, "SELECT * FROM user WHERE name = ?", "alice", expected: user, db)

            var device = try SQLiteRegistryStore.deviceRecord(id: paired.device.id, db)
            try checkRead(DeviceRecord.self, "SELECT * FROM device WHERE id = ?", device.id, expected: device, db)
            device.pushToken = "token"
            device.pushTokenInvalidAt = now
            device.pushTokenInvalidReason = "Unregistered"
            device.pushKeySealed = Data([1, 2, 3])
            device.statusReason = "re-activation"
            device.statusChangedAt = now
            device.oathLastStep = 42
            try device.update(db)
            try checkRead(DeviceRecord.self, "SELECT * FROM device WHERE id = ?", device.id, expected: device, db)

            let userId = try #require(user.id)
            var challenge = ChallengeRecord(
                id: "tx-1", userId: userId, activationId: activation.id, method: "push", requestedMethod: "auto",
                number: 42, application: nil, clientIp: nil, location: nil, relyingParty: "vpn",
                signedDetails: "details", signature: "signature", createdAt: now,
                deadlineAt: now.addingTimeInterval(60),
                state: "pending", reason: nil, answeredAt: nil, answeredDeviceId: nil)
            try challenge.insert(db)
            try checkRead(ChallengeRecord.self, "SELECT * FROM challenge WHERE id = ?", "tx-1", expected: challenge, db)
            #expect(
                try String.fetchOne(db, sql: "SELECT created_at FROM challenge WHERE id = 'tx-1'") == now.stored)
            challenge.id = "tx-2"
            challenge.application = "VPN"
            challenge.clientIp = "192.0.2.1"
            challenge.location = "Lisbon"
            challenge.state = "approved"
            challenge.reason = "approved on the phone"
            challenge.answeredAt = now.addingTimeInterval(5)
            challenge.answeredDeviceId = device.id
            challenge.asksNumber = false
            try challenge.insert(db)
            try checkRead(ChallengeRecord.self, "SELECT * FROM challenge WHERE id = ?", "tx-2", expected: challenge, db)

            let full = AuthLogRecord(
                id: nil, time: now, userName: "alice", firstName: "Alice", lastName: "Liddell",
                email: "alice@example.com", phone: "+15551234567", deviceToken: "token", mode: "push",
                result: "success", outcome: "approved", reason: "because", serverName: "mfa-1", serverIp: "192.0.2.2",
                clientIp: "192.0.2.1", application: "VPN", transactionId: "tx-2", relyingParty: "vpn",
                provider: "acme")
            let empty = AuthLogRecord(
                id: nil, time: now, userName: "bob", firstName: nil, lastName: nil, email: nil, phone: nil,
                deviceToken: nil, mode: "sms", result: "denied", outcome: "refused", reason: nil, serverName: "mfa-1",
                serverIp: nil, clientIp: nil, application: nil, transactionId: nil, relyingParty: nil, provider: nil)
            for written in [full, empty] {
                try written.insert(db)
                var expected = written
                expected.id = db.lastInsertedRowID
                try checkRead(
                    AuthLogRecord.self, "SELECT * FROM auth_log WHERE id = ?", db.lastInsertedRowID,
                    expected: expected, db)
            }
        }
    }
}
