import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: admin tokens and client keys")
struct CredentialStoreContract {
    @Test(
        "admin tokens are found by id while they work; they expire, are revoked, and the last one stays",
        arguments: StoreBackend.allCases)
    func adminTokens(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        #expect(try await store.hasAdminTokens() == false)
        try await store.createAdminToken(
            id: "t1", secretHash: "hash-1", name: "initial", expiresAt: nil, now: fixture.now)
        #expect(try await store.hasAdminTokens())
        #expect(try await store.usableAdminToken(id: "t1", now: fixture.now)?.secretHash == "hash-1")
        #expect(try await store.usableAdminToken(id: "t2", now: fixture.now) == nil)
        await #expect(throws: StoreError.lastAdminToken("initial")) {
            try await store.revokeAdminToken(name: "initial", now: fixture.now)
        }
        await #expect(throws: StoreError.adminTokenExists("initial")) {
            try await store.createAdminToken(
                id: "t9", secretHash: "h", name: "initial", expiresAt: nil, now: fixture.now)
        }
        try await store.createAdminToken(
            id: "t2", secretHash: "hash-2", name: "ci", expiresAt: fixture.now + 60, now: fixture.now)
        #expect(try await store.usableAdminToken(id: "t2", now: fixture.now + 59)?.name == "ci")
        #expect(try await store.usableAdminToken(id: "t2", now: fixture.now + 60) == nil)
        let revoked = try await store.revokeAdminToken(name: "initial", now: fixture.now)
        #expect(revoked.revokedAt == fixture.now)
        #expect(try await store.usableAdminToken(id: "t1", now: fixture.now) == nil)
        #expect(Set(try await store.adminTokens().map(\.name)) == ["initial", "ci"])
    }

    @Test(
        "a client's key is found by id until the client is deleted; names are unique", arguments: StoreBackend.allCases)
    func clients(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        let client = try await store.createRelyingParty(id: "k1", name: "vpn", secretHash: "h", now: fixture.now)
        #expect(client.name == "vpn" && client.lastUsedAt == nil)
        await #expect(throws: StoreError.clientExists("VPN")) {
            try await store.createRelyingParty(id: "k2", name: "VPN", secretHash: "h2", now: fixture.now)
        }
        let credential = try #require(try await store.relyingPartyCredential(id: "k1"))
        #expect(credential.name == "vpn" && credential.secretHash == "h")
        #expect(try await store.relyingParties().map(\.name) == ["vpn"])
        try await store.deleteRelyingParty(name: "vpn")
        #expect(try await store.relyingPartyCredential(id: "k1") == nil)
        await #expect(throws: StoreError.clientNotFound("vpn")) { try await store.deleteRelyingParty(name: "vpn") }
    }

    @Test("the audit trail reads back newest first, from a time on", arguments: StoreBackend.allCases)
    func audit(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        for (offset, action) in [(0.0, "POST /v1/users"), (60, "DELETE /v1/users/:name")] {
            try await store.appendAudit(
                AdminAuditEntry(
                    time: fixture.now + offset, tokenName: "ops", action: action, target: "name=alice",
                    address: "127.0.0.1", status: 200))
        }
        #expect(
            try await store.audit(since: nil, limit: 10).map(\.action) == ["DELETE /v1/users/:name", "POST /v1/users"])
        #expect(try await store.audit(since: fixture.now + 1, limit: 10).map(\.action) == ["DELETE /v1/users/:name"])
        #expect(try await store.audit(since: nil, limit: 1).count == 1)
    }
}
