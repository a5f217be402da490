import Foundation
import GRDB

/// Gives every seeded user a past: `perUser` decided push sign-ins spread over the last 30 days,
/// most approved, some denied or timed out, all well outside the push-fatigue window. A sign-in's
/// cost must not grow with this history (issue "One rule book…": the push admission's last
/// approval and window count once read every row a user ever had).
enum HistorySeeding {
    static func seed(databasePath: String, perUser: Int, now: Date) throws -> Int {
        guard perUser > 0 else { return 0 }
        let pool = try DatabasePool(path: databasePath)
        return try pool.write { db in
            let users = try Row.fetchAll(
                db, sql: "SELECT user_id, activation_id FROM device GROUP BY user_id ORDER BY user_id")
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO challenge (id, user_id, activation_id, method, requested_method, number,
                      relying_party, signed_details, signature, created_at, deadline_at, state, reason, answered_at)
                    VALUES (?, ?, ?, 'push', 'push', 42, 'vpn', '{}', '', ?, ?, ?, ?, ?)
                    """)
            var inserted = 0
            for row in users {
                let userId: Int64 = row[0]
                let activationId: String = row[1]
                for index in 0..<perUser {
                    // From 30 days ago up to a day ago: nothing in the window, nothing pending.
                    let created = now.addingTimeInterval(-86_400 - Double(index) * (29 * 86_400) / Double(perUser))
                    let state = ["approved", "approved", "approved", "denied", "timeout"][index % 5]
                    try insert.execute(arguments: [
                        UUID().uuidString.lowercased(), userId, activationId, created, created.addingTimeInterval(60),
                        state, state == "approved" ? nil : "history", created.addingTimeInterval(5),
                    ])
                    inserted += 1
                }
            }
            return inserted
        }
    }
}
