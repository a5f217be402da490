import CountersignCore
import Foundation
import PostgresNIO

// RADIUS clients, their secrets sealed under the master key, and the rounds of challenge dialogues:
// a round saved by one node is taken by whichever node the NAS asks next.
extension PostgresRegistryStore {
    public func addRadiusClient(_ client: RadiusClient) async throws -> RadiusClient {
        let id = UUID().uuidString.lowercased()
        let row = SendableValues(try sealedRow(id: id, client.secret, client.settings))
        try await database.write { s in
            if try await s.value(String.self, "SELECT id FROM radius_client WHERE name = ?", [client.name]) != nil {
                throw StoreError.radiusClientExists(client.name)
            }
            try await s.execute(
                """
                INSERT INTO radius_client (id, name, network, secret_sealed, mode, upstream_host, upstream_port,
                upstream_secret_sealed, upstream_timeout_seconds, timeout_seconds, require_message_authenticator,
                delimiter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, client.name] + row.values + [client.createdAt])
        }
        return client
    }

    public func radiusClients() async throws -> [RadiusClient] {
        try await database.read { s in
            try await s.rows("SELECT * FROM radius_client ORDER BY name").map(self.radiusClient)
        }
    }

    public func updateRadiusClient(name: String, settings: RadiusClientSettings, secret: [UInt8]?) async throws
        -> RadiusClient
    {
        try await database.write { s in
            guard let existing = try await s.row("SELECT * FROM radius_client WHERE name = ? FOR UPDATE", [name]) else {
                throw StoreError.radiusClientNotFound(name)
            }
            let id = try existing["id"].decode(String.self)
            let current = try self.radiusClient(existing)
            let row = try self.sealedRow(id: id, secret ?? current.secret, settings)
            try await s.execute(
                """
                UPDATE radius_client SET network = ?, secret_sealed = ?, mode = ?, upstream_host = ?,
                upstream_port = ?, upstream_secret_sealed = ?, upstream_timeout_seconds = ?, timeout_seconds = ?,
                require_message_authenticator = ?, delimiter = ? WHERE id = ?
                """, row + [id])
            return RadiusClient(
                name: current.name, secret: secret ?? current.secret, settings: settings, createdAt: current.createdAt)
        }
    }

    public func deleteRadiusClient(name: String) async throws {
        try await database.write { s in
            guard try await s.changes("DELETE FROM radius_client WHERE name = ? RETURNING 1", [name]) > 0 else {
                throw StoreError.radiusClientNotFound(name)
            }
        }
    }

    public func saveRadiusRound(_ round: RadiusRound, stateHash: String, now: Date) async throws {
        try await database.locked { s in
            try await s.execute("DELETE FROM radius_round WHERE expires_at <= ?", [now])
            try await s.execute(
                """
                INSERT INTO radius_round (state_hash, client, user_name, step, transaction_id, carried_attributes,
                expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    stateHash, round.client, round.user, round.step.rawValue, round.transactionId,
                    Data(round.carriedAttributes), round.expiresAt,
                ])
        }
    }

    public func takeRadiusRound(stateHash: String, client: String, now: Date) async throws -> RadiusRound? {
        try await database.locked { s in
            guard let row = try await s.row("DELETE FROM radius_round WHERE state_hash = ? RETURNING *", [stateHash])
            else { return nil }
            let expiresAt = try row["expires_at"].decode(Date.self)
            let owner = try row["client"].decode(String.self)
            guard expiresAt > now, owner.caseInsensitiveCompare(client) == .orderedSame,
                let step = RadiusRound.Step(rawValue: try row["step"].decode(String.self))
            else { return nil }
            return RadiusRound(
                client: owner, user: try row["user_name"].decode(String.self), step: step,
                transactionId: try row["transaction_id"].decode(String?.self),
                carriedAttributes: Array(try row["carried_attributes"].decode(Data.self)), expiresAt: expiresAt)
        }
    }

    /// The columns from network to delimiter, secrets sealed under purposes bound to the client's id.
    private func sealedRow(id: String, _ secret: [UInt8], _ settings: RadiusClientSettings) throws -> [SQLValue] {
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

    private func radiusClient(_ row: PostgresRandomAccessRow) throws -> RadiusClient {
        let id = try row["id"].decode(String.self)
        var firstFactor = RadiusFirstFactor.none
        if let host = try row["upstream_host"].decode(String?.self),
            let sealed = try row["upstream_secret_sealed"].decode(Data?.self)
        {
            firstFactor = .radius(
                UpstreamRadiusServer(
                    host: host, port: try row["upstream_port"].decode(Int.self),
                    secret: Array(try secrets.open(sealed, purpose: Self.radiusUpstreamSecretPurpose(id))),
                    timeoutSeconds: try row["upstream_timeout_seconds"].decode(Int.self)))
        }
        let sealed = try row["secret_sealed"].decode(Data.self)
        return RadiusClient(
            name: try row["name"].decode(String.self),
            secret: Array(try secrets.open(sealed, purpose: Self.radiusSecretPurpose(id))),
            settings: RadiusClientSettings(
                network: try AddressRange(try row["network"].decode(String.self)),
                mode: RadiusMode(rawValue: try row["mode"].decode(String.self)) ?? .challenge,
                firstFactor: firstFactor, timeoutSeconds: try row["timeout_seconds"].decode(Int.self),
                requireMessageAuthenticator: try row["require_message_authenticator"].decode(Bool.self),
                delimiter: try row["delimiter"].decode(String.self)),
            createdAt: try row["created_at"].decode(Date.self))
    }
}
