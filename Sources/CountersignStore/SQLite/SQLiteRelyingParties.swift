import CountersignCore
import Foundation
import GRDB

// Relying parties: the applications that may call the auth API.
extension SQLiteRegistryStore {
    public func createRelyingParty(id: String, name: String, secretHash: String, now: Date) async throws -> RelyingParty
    {
        try await pool.write { db in
            if try RelyingPartyRecord.filter(Column("name") == name).fetchOne(db) != nil {
                throw StoreError.clientExists(name)
            }
            let record = RelyingPartyRecord(id: id, name: name, secretHash: secretHash, createdAt: now, lastUsedAt: nil)
            try record.insert(db)
            return Self.clientView(record)
        }
    }

    public func relyingParties() async throws -> [RelyingParty] {
        try await pool.read { db in
            try RelyingPartyRecord.order(Column("name")).fetchAll(db).map(Self.clientView)
        }
    }

    public func relyingPartyCredential(id: String) async throws -> (name: String, secretHash: String)? {
        try await pool.read { db in
            try Self.cachedRecord(RelyingPartyRecord.self, id: id, db).map { ($0.name, $0.secretHash) }
        }
    }

    public func deleteRelyingParty(name: String) async throws {
        try await pool.write { db in
            guard try RelyingPartyRecord.filter(Column("name") == name).deleteAll(db) > 0 else {
                throw StoreError.clientNotFound(name)
            }
        }
    }

}
