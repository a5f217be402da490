import GRDB

/// The schema, as an ordered list of migrations. A migration, once released, never changes:
/// add a new one instead.
enum Migrations {
    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry") { db in
            try db.create(table: "provider") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique(onConflict: .abort)
                table.column("billing", .text).notNull()
                    .check(sql: "billing IN ('per-user', 'per-authentication')")
                table.column("tenant", .text).notNull()
                // Push and telephony settings arrive with later features, as JSON.
                table.column("settings", .text).notNull().defaults(to: "{}")
                table.column("created_at", .datetime).notNull()
            }
            // The billing model is fixed at creation; the API refuses a change, and so does the file.
            try db.execute(
                sql: """
                    CREATE TRIGGER provider_billing_is_fixed
                    BEFORE UPDATE OF billing ON provider
                    WHEN NEW.billing <> OLD.billing
                    BEGIN SELECT RAISE(ABORT, 'the billing model of a provider cannot be changed'); END
                    """)

            try db.create(table: "activation") { table in
                table.primaryKey("id", .text)
                table.column("provider_id", .integer).notNull().references("provider")
                table.column("server_public_key", .blob).notNull()
                table.column("server_private_key_sealed", .blob).notNull()
                table.column("is_current", .boolean).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("superseded_at", .datetime)
            }
            // Exactly one activation is current.
            try db.execute(sql: "CREATE UNIQUE INDEX activation_one_current ON activation(is_current) WHERE is_current")

            try db.create(table: "user") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                table.column("first_name", .text)
                table.column("last_name", .text)
                table.column("email", .text)
                table.column("phone", .text)
                table.column("country", .text)
                table.column("status", .text).notNull().check(sql: "status IN ('enabled', 'disabled')")
                table.column("created_at", .datetime).notNull()
            }

            try db.create(table: "device") { table in
                table.primaryKey("id", .text)
                table.column("user_id", .integer).notNull().indexed().references("user", onDelete: .cascade)
                table.column("activation_id", .text).notNull().indexed().references("activation")
                table.column("platform", .text).notNull()
                table.column("push_token", .text)
                table.column("push_token_invalid_at", .datetime)
                table.column("push_token_invalid_reason", .text)
                table.column("environment", .text).notNull()
                table.column("public_key", .blob).notNull()
                table.column("oath_secret_sealed", .blob).notNull()
                table.column("display_name", .text)
                table.column("status", .text).notNull()
                    .check(sql: "status IN ('active', 'invalidated', 'removed')")
                table.column("status_reason", .text)
                table.column("status_changed_at", .datetime)
                table.column("created_at", .datetime).notNull()
                table.column("last_seen_at", .datetime)
                // Highest request timestamp accepted from the phone: older or equal ones are replays.
                table.column("last_request_ms", .integer).notNull().defaults(to: 0)
            }

            try db.create(table: "activation_code") { table in
                // SHA-256 of the code; the code itself is never stored.
                table.primaryKey("code_hash", .text)
                table.column("user_id", .integer).notNull().indexed().references("user", onDelete: .cascade)
                table.column("activation_id", .text).notNull().references("activation")
                table.column("created_at", .datetime).notNull()
                table.column("expires_at", .datetime).notNull()
                table.column("used_at", .datetime)
                table.column("device_id", .text).references("device", onDelete: .setNull)
            }

            try db.create(table: "admin_token") { table in
                table.primaryKey("id", .text)
                // SHA-256 of the token's secret part.
                table.column("secret_hash", .text).notNull()
                table.column("name", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2-push-outbox") { db in
            // Push messages waiting to be sent, written in the same transaction as what caused them.
            try db.create(table: "push_outbox") { table in
                // Also the apns-id and FCM message key, so every retry is recognisably the same message.
                table.primaryKey("id", .text)
                table.column("device_id", .text).notNull().indexed().references("device", onDelete: .cascade)
                table.column("payload", .text).notNull()
                table.column("collapse_id", .text)
                table.column("created_at", .datetime).notNull()
                // After this the message is worthless (the sign-in timed out): never sent.
                table.column("deadline_at", .datetime).notNull()
                table.column("next_attempt_at", .datetime).notNull()
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("state", .text).notNull()
                    .check(sql: "state IN ('queued', 'sending', 'sent', 'failed', 'expired', 'cancelled')")
                table.column("outcome", .text)
                table.column("completed_at", .datetime)
            }
            try db.execute(sql: "CREATE INDEX push_outbox_due ON push_outbox(state, next_attempt_at)")
        }
        migrator.registerMigration("v3-provider-push-credentials") { db in
            // APNs and FCM credentials (private keys included), sealed with the master key.
            try db.alter(table: "provider") { table in
                table.add(column: "push_settings_sealed", .blob)
            }
        }
        migrator.registerMigration("v4-push-sign-in") { db in
            // Applications that may ask for a second factor; only a hash of each API key is kept.
            try db.create(table: "relying_party") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                table.column("secret_hash", .text).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("last_used_at", .datetime)
            }
            // One two-step verification. The signed details are stored as sent, so every poll
            // returns the same bytes and the private key is opened once per challenge.
            try db.create(table: "challenge") { table in
                table.primaryKey("id", .text)
                table.column("user_id", .integer).notNull().references("user", onDelete: .cascade)
                table.column("activation_id", .text).notNull().references("activation")
                table.column("method", .text).notNull()
                table.column("requested_method", .text).notNull()
                table.column("number", .integer).notNull()
                table.column("application", .text)
                table.column("client_ip", .text)
                table.column("location", .text)
                table.column("relying_party", .text).notNull()
                table.column("signed_details", .text).notNull()
                table.column("signature", .text).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("deadline_at", .datetime).notNull()
                table.column("state", .text).notNull()
                    .check(sql: Self.authStateCheck)
                table.column("reason", .text)
                table.column("answered_at", .datetime)
                table.column("answered_device_id", .text)
            }
            try db.execute(sql: "CREATE INDEX challenge_by_user ON challenge(user_id, state, created_at)")
            try db.execute(sql: "CREATE INDEX challenge_pending ON challenge(deadline_at) WHERE state = 'pending'")
            // A decided challenge cancels the pushes still queued for it (collapse id = transaction id).
            try db.execute(
                sql: "CREATE INDEX push_outbox_queued_collapse ON push_outbox(collapse_id) WHERE state = 'queued'")
            // A fraud report stops push for the user until this time.
            try db.alter(table: "user") { table in
                table.add(column: "push_blocked_until", .datetime)
            }
            // One row per verification attempt. Names are copied, not referenced: the log outlives users.
            try db.create(table: "auth_log") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .datetime).notNull().indexed()
                table.column("user_name", .text).notNull()
                table.column("first_name", .text)
                table.column("last_name", .text)
                table.column("email", .text)
                table.column("phone", .text)
                table.column("device_token", .text)
                table.column("mode", .text).notNull()
                table.column("result", .text).notNull().check(sql: "result IN ('success', 'denied')")
                table.column("outcome", .text).notNull()
                table.column("reason", .text)
                table.column("server_name", .text).notNull()
                table.column("server_ip", .text)
                table.column("client_ip", .text)
                table.column("application", .text)
                table.column("transaction_id", .text)
                table.column("relying_party", .text)
                table.column("provider", .text)
            }
            try db.execute(sql: "CREATE INDEX auth_log_by_user ON auth_log(user_name COLLATE NOCASE, id)")
        }
        migrator.registerMigration("v5-code-verification") { db in
            // The last TOTP step accepted from each app: an older or equal one is a replay.
            try db.alter(table: "device") { table in
                table.add(column: "oath_last_step", .integer)
            }
            // Wrong codes in a row, and the lock they lead to.
            try db.alter(table: "user") { table in
                table.add(column: "failed_attempts", .integer).notNull().defaults(to: 0)
                table.add(column: "locked_until", .datetime)
                table.add(column: "lockouts", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v6-hardware-tokens") { db in
            // Imported OATH tokens. The secret is sealed with the master key and bound to the serial.
            try db.create(table: "hardware_token") { table in
                table.primaryKey("serial", .text).collate(.nocase)
                table.column("kind", .text).notNull().check(sql: "kind IN ('totp', 'hotp')")
                table.column("algorithm", .text).notNull()
                table.column("digits", .integer).notNull()
                table.column("period", .integer).notNull()
                table.column("counter", .integer).notNull()
                table.column("last_step", .integer)
                table.column("secret_sealed", .blob).notNull()
                table.column("user_id", .integer).references("user", onDelete: .setNull).indexed()
                table.column("imported_at", .datetime).notNull()
                table.column("last_used_at", .datetime)
            }
        }
        migrator.registerMigration("v7-app-passwords") { db in
            // Only a slow salted hash of each app password is kept.
            try db.create(table: "app_password") { table in
                table.primaryKey("id", .text)
                table.column("user_id", .integer).notNull().references("user", onDelete: .cascade).indexed()
                table.column("name", .text)
                table.column("password_hash", .text).notNull()
                table.column("created_at", .datetime).notNull()
                table.column("last_used_at", .datetime)
            }
        }
        migrator.registerMigration("v8-phone-methods") { db in
            // SMS codes and voice calls. Only keyed hashes of the code or callback token are kept.
            try db.create(table: "phone_challenge") { table in
                table.primaryKey("id", .text)
                table.column("user_id", .integer).notNull().references("user", onDelete: .cascade)
                table.column("method", .text).notNull().check(sql: "method IN ('sms', 'voice')")
                table.column("secret_hash", .text).notNull()
                table.column("phone", .text).notNull()
                table.column("country", .text).notNull()
                table.column("sender", .text)
                table.column("relying_party", .text).notNull()
                table.column("application", .text)
                table.column("client_ip", .text)
                table.column("created_at", .datetime).notNull()
                table.column("deadline_at", .datetime).notNull()
                table.column("state", .text).notNull()
                    .check(sql: Self.authStateCheck)
                table.column("reason", .text)
                table.column("answered_at", .datetime)
            }
            // Sends per user in the rate window, and the pending ones the sweeper ends.
            try db.execute(sql: "CREATE INDEX phone_challenge_by_user ON phone_challenge(user_id, created_at)")
            try db.execute(
                sql: "CREATE INDEX phone_challenge_pending ON phone_challenge(deadline_at) WHERE state = 'pending'")
            // Telephony gateways with their credentials, sealed like the push settings.
            try db.alter(table: "provider") { table in
                table.add(column: "telephony_settings_sealed", .blob)
            }
        }
        migrator.registerMigration("v9-reports") { db in
            // Users who hold a license are left out of per-user billing.
            try db.alter(table: "user") { table in
                table.add(column: "licensed", .boolean).notNull().defaults(to: false)
            }
            // SMS and voice counts go to the provider that sent them.
            try db.alter(table: "phone_challenge") { table in
                table.add(column: "provider", .text)
            }
            try db.execute(sql: "CREATE INDEX phone_challenge_by_time ON phone_challenge(created_at)")
        }
        migrator.registerMigration("v10-usage-counts") { db in
            // Verifications per month, provider, method and result, kept with every log row so that a
            // month's report reads a few rows instead of millions, and survives pruning of the log.
            try db.execute(
                sql: """
                    CREATE TABLE usage_count (
                      month TEXT NOT NULL, provider TEXT NOT NULL, mode TEXT NOT NULL, result TEXT NOT NULL,
                      count INTEGER NOT NULL, PRIMARY KEY (month, provider, mode, result)) WITHOUT ROWID
                    """)
            try db.execute(sql: rebuildUsageCounts)
        }
        migrator.registerMigration("v11-device-push-keys") { db in
            // Phones paired from now on get a key that seals their challenges inside the push.
            try db.execute(sql: "ALTER TABLE device ADD COLUMN push_key_sealed BLOB")
        }
        migrator.registerMigration("v12-bounded-push-admission") { db in
            // Push admission asks for the user's last approval and the pushes since a time. With only
            // challenge_by_user(user_id, state, created_at), both read every row the user ever had.
            try db.execute(
                sql: """
                    CREATE INDEX challenge_approved_by_user ON challenge(user_id, answered_at)
                    WHERE state = 'approved'
                    """)
            try db.execute(
                sql: "CREATE INDEX challenge_push_by_user ON challenge(user_id, created_at) WHERE method = 'push'")
        }
        migrator.registerMigration("v13-campaign-codes") { db in
            // A re-pair campaign revokes the codes its earlier runs issued, and only those.
            try db.execute(sql: "ALTER TABLE activation_code ADD COLUMN from_campaign BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v14-admin-token-lifecycle") { db in
            // Admin tokens can expire and be revoked; a revoked one is kept for the record.
            try db.execute(sql: "ALTER TABLE admin_token ADD COLUMN expires_at DATETIME")
            try db.execute(sql: "ALTER TABLE admin_token ADD COLUMN revoked_at DATETIME")
        }
        migrator.registerMigration("v15-admin-audit") { db in
            // Every change made through the admin API: who (the token's name), what, when, from where,
            // and how it ended. Never a body: nothing secret is kept here.
            try db.create(table: "admin_audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .datetime).notNull()
                table.column("token_name", .text).notNull()
                table.column("action", .text).notNull()
                table.column("target", .text)
                table.column("address", .text)
                table.column("status", .integer).notNull()
            }
            try db.execute(sql: "CREATE INDEX admin_audit_by_time ON admin_audit(time)")
        }
        migrator.registerMigration("v16-radius") { db in
            // A VPN asking over RADIUS in push mode cannot show a number to type on the phone.
            try db.execute(sql: "ALTER TABLE challenge ADD COLUMN asks_number BOOLEAN NOT NULL DEFAULT 1")
            try db.create(table: "radius_client") { table in
                table.column("id", .text).primaryKey()
                table.column("name", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                table.column("network", .text).notNull()
                table.column("secret_sealed", .blob).notNull()
                table.column("mode", .text).notNull()
                    .check(sql: "mode IN ('push', 'challenge', 'append')")
                table.column("upstream_host", .text)
                table.column("upstream_port", .integer)
                table.column("upstream_secret_sealed", .blob)
                table.column("upstream_timeout_seconds", .integer)
                table.column("timeout_seconds", .integer).notNull()
                table.column("require_message_authenticator", .boolean).notNull()
                table.column("delimiter", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
            // Only a hash of the State is kept: a copy of the database cannot take a round.
            try db.create(table: "radius_round") { table in
                table.column("state_hash", .text).primaryKey()
                table.column("client", .text).notNull()
                table.column("user_name", .text).notNull()
                table.column("step", .text).notNull().check(sql: "step IN ('factor', 'push', 'sms')")
                table.column("transaction_id", .text)
                table.column("carried_attributes", .blob).notNull()
                table.column("expires_at", .datetime).notNull()
            }
            try db.execute(sql: "CREATE INDEX radius_round_by_expiry ON radius_round(expires_at)")
        }
        migrator.registerMigration("v17-code-throttle") { db in
            // Wrong codes per user and source (client and address), which slow that source down.
            try db.execute(
                sql: """
                    CREATE TABLE code_throttle (
                      user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                      source TEXT NOT NULL,
                      failures INTEGER NOT NULL,
                      wait_until DATETIME,
                      updated_at DATETIME NOT NULL,
                      PRIMARY KEY (user_id, source)
                    ) WITHOUT ROWID
                    """)
        }
        migrator.registerMigration("v18-token-imports") { db in
            // Imports in parts: sealed tokens wait here until the commit moves them all at once.
            try db.execute(
                sql: """
                    CREATE TABLE token_import (
                      id TEXT PRIMARY KEY,
                      created_at DATETIME NOT NULL,
                      expires_at DATETIME NOT NULL
                    );
                    CREATE TABLE token_import_token (
                      import_id TEXT NOT NULL REFERENCES token_import(id) ON DELETE CASCADE,
                      serial TEXT NOT NULL COLLATE NOCASE,
                      kind TEXT NOT NULL,
                      algorithm TEXT NOT NULL,
                      digits INTEGER NOT NULL,
                      period INTEGER NOT NULL,
                      counter INTEGER NOT NULL,
                      secret_sealed BLOB NOT NULL,
                      PRIMARY KEY (import_id, serial)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    /// Counts every decided verification already in the log (refusals asked nothing of the user).
    static let rebuildUsageCounts = """
        INSERT INTO usage_count (month, provider, mode, result, count)
        SELECT substr(time, 1, 7), COALESCE(provider, ''), mode, result, COUNT(*) FROM auth_log
        WHERE outcome != 'refused' GROUP BY 1, 2, 3, 4
        ON CONFLICT (month, provider, mode, result) DO UPDATE SET count = excluded.count
        """

    /// The states a sign-in can be in (AuthState), for CHECK constraints. Fixed here, not derived
    /// from the enum, because a migration must never change once it has run.
    static let authStateCheck = "state IN ('pending', 'approved', 'denied', 'fraud', 'timeout', 'failed')"
}
