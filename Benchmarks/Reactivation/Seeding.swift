import CountersignCore
import Foundation
import GRDB

/// Fills the registry with plain SQL: re-activation cares about rows, not about how they were paired.
enum Seeding {
    static func registry(_ pool: DatabasePool, users: Int, devices: Int, activationId: String) async throws {
        let now = Date()
        let key = Data(repeating: 4, count: 65)
        let secret = Data(repeating: 7, count: 48)
        try await pool.write { db in
            let user = try db.makeStatement(
                sql: "INSERT INTO user (name, phone, status, created_at) VALUES (?, ?, 'enabled', ?)")
            for index in 0..<users {
                try user.execute(arguments: ["user\(index)", "+1415\(String(format: "%07d", index % 10_000_000))", now])
            }
            let device = try db.makeStatement(
                sql: """
                    INSERT INTO device (id, user_id, activation_id, platform, push_token, environment, public_key,
                      oath_secret_sealed, status, created_at) VALUES (?, ?, ?, 'apns', ?, 'production', ?, ?, 'active', ?)
                    """)
            for index in 0..<devices {
                try device.execute(arguments: [
                    String(format: "d%09d", index), index % users + 1, activationId, String(format: "%064x", index),
                    key,
                    secret, now,
                ])
            }
        }
    }
}
