import CountersignCore
import Foundation
import GRDB

// RADIUS clients, their secrets sealed under the master key, and the rounds of challenge dialogues.
extension SQLiteRegistryStore {
    public func addRadiusClient(_ client: RadiusClient) async throws -> RadiusClient {
        let id = UUID().uuidString.lowercased()
        try await pool.write { db in
            let row = try self.sealedRow(id: id, client.secret, client.settings)
            if try Row.fetchOne(db, sql: "SELECT 1 FROM radius_client WHERE name = ?", arguments: [client.name])
                != nil
            {
                throw StoreError.radiusClientExists(client.name)
            }
            try db.execute(
                sql: """
                    INSERT INTO radius_client (id, name, network, secret_sealed, mode, upstream_host, upstream_port,
                    upstream_secret_sealed, upstream_timeout_seconds, timeout_seconds, require_message_authenticator,
                    delimiter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments([id, client.name] + row + [client.createdAt.stored]))
        }
        return client
    }

    public func radiusClients() async throws -> [RadiusClient] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM radius_client ORDER BY name COLLATE NOCASE").map(self.radiusClient)
        }
    }

    public func updateRadiusClient(name: String, settings: RadiusClientSettings, secret: [UInt8]?) async throws
        -> RadiusClient
    {
        try await pool.write { db in
            guard
                let existing = try Row.fetchOne(
                    db, sql: "SELECT * FROM radius_client WHERE name = ?", arguments: [name])
            else { throw StoreError.radiusClientNotFound(name) }
            let id: String = existing["id"]
            let current = try self.radiusClient(existing)
            let row = try self.sealedRow(id: id, secret ?? current.secret, settings)
            try db.execute(
                sql: """
                    UPDATE radius_client SET network = ?, secret_sealed = ?, mode = ?, upstream_host = ?,
                    upstream_port = ?, upstream_secret_sealed = ?, upstream_timeout_seconds = ?, timeout_seconds = ?,
                    require_message_authenticator = ?, delimiter = ? WHERE id = ?
                    """, arguments: StatementArguments(row + [id]))
            return RadiusClient(
                name: current.name, secret: secret ?? current.secret, settings: settings, createdAt: current.createdAt)
        }
    }

    public func deleteRadiusClient(name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM radius_client WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw StoreError.radiusClientNotFound(name) }
        }
    }

    public func saveRadiusRound(_ round: RadiusRound, stateHash: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM radius_round WHERE expires_at <= ?", arguments: [now.stored])
            try db.execute(
                sql: """
                    INSERT INTO radius_round (state_hash, client, user_name, step, transaction_id, carried_attributes,
                    expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stateHash, round.client, round.user, round.step.rawValue, round.transactionId,
                    Data(round.carriedAttributes), round.expiresAt.stored,
                ])
        }
    }

    public func takeRadiusRound(stateHash: String, client: String, now: Date) async throws -> RadiusRound? {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "DELETE FROM radius_round WHERE state_hash = ? RETURNING *", arguments: [stateHash])
            else { return nil }
            let expiresAt: Date = row["expires_at"]
            let owner: String = row["client"]
            guard expiresAt > now, owner.caseInsensitiveCompare(client) == .orderedSame,
                let step = RadiusRound.Step(rawValue: row["step"])
            else { return nil }
            let carried: Data = row["carried_attributes"]
            return RadiusRound(
                client: owner, user: row["user_name"], step: step, transactionId: row["transaction_id"],
                carriedAttributes: Array(carried), expiresAt: expiresAt)
        }
    }

    /// The columns from network to delimiter, secrets sealed under purposes bound to the client's id.
    private func sealedRow(id: String, _ secret: [UInt8], _ settings: RadiusClientSettings) throws
        -> [(any DatabaseValueConvertible)?]
    {
        var upstream: UpstreamRadiusServer?
        if case .radius(let server) = settings.firstFactor { upstream = server }
        return [
            settings.network.description, try secrets.seal(secret, purpose: Self.radiusSecretPurpose(id)),
            settings.mode.rawValue, upstream?.host, upstream?.port,
            try upstream.map { try secrets.seal($0.secret, purpose: Self.radiusUpstreamSecretPurpose(id)) },
            upstream?.timeoutSeconds, settings.timeoutSeconds, settings.requireMessageAuthenticator,
            settings.delimiter,
        ]
    }

    private func radiusClient(_ row: Row) throws -> RadiusClient {
        let id: String = row["id"]
        var firstFactor = RadiusFirstFactor.none
        if let host: String = row["upstream_host"], let sealed: Data = row["upstream_secret_sealed"] {
            firstFactor = .radius(
                UpstreamRadiusServer(
                    host: host, port: row["upstream_port"],
                    secret: Array(try secrets.open(sealed, purpose: Self.radiusUpstreamSecretPurpose(id))),
                    timeoutSeconds: row["upstream_timeout_seconds"]))
        }
        let sealed: Data = row["secret_sealed"]
        return RadiusClient(
            name: row["name"], secret: Array(try secrets.open(sealed, purpose: Self.radiusSecretPurpose(id))),
            settings: RadiusClientSettings(
                network: try AddressRange(row["network"]), mode: RadiusMode(rawValue: row["mode"]) ?? .challenge,
                firstFactor: firstFactor, timeoutSeconds: row["timeout_seconds"],
                requireMessageAuthenticator: row["require_message_authenticator"], delimiter: row["delimiter"]),
            createdAt: row["created_at"])
    }

}
