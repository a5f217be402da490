import CountersignCore
import CountersignStore
import Foundation
import Testing

@Suite("Store contract: hardware tokens")
struct TokenStoreContract {
    let secret = Array("12345678901234567890".utf8)

    @Test("an import stores every token or none", arguments: StoreBackend.allCases)
    func allOrNothing(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        #expect(
            try await store.importTokens(
                [TokenSeed(serial: "A", secret: secret), TokenSeed(serial: "B", secret: secret)], now: fixture.now) == 2
        )
        await #expect(throws: StoreError.tokenExists("A")) {
            try await store.importTokens(
                [TokenSeed(serial: "C", secret: secret), TokenSeed(serial: "A", secret: secret)], now: fixture.now)
        }
        #expect(try await store.tokens(user: nil).map(\.serial) == ["A", "B"])
    }

    @Test(
        "an assigned token's codes sign its user in, once each; it cannot be given to another user meanwhile",
        arguments: StoreBackend.allCases)
    func assigned(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        _ = try await store.importTokens([TokenSeed(serial: "H1", secret: secret, kind: .hotp)], now: fixture.now)
        #expect(try await store.assignToken(serial: "H1", user: "alice").user == "alice")
        _ = try await store.createUser(NewUser(name: "bob"), now: fixture.now)
        await #expect(throws: StoreError.tokenAssigned(serial: "H1", user: "alice")) {
            try await store.assignToken(serial: "H1", user: "bob")
        }
        // RFC 4226's codes for this secret: counter 0 is 755224, counter 1 is 287082.
        #expect(try await fixture.verifyCode("287082").state == .approved)
        #expect(try await fixture.verifyCode("755224").state == .denied)
        #expect(try await fixture.verifyCode("287082").state == .denied)
        #expect(try await store.tokens(user: "alice").first?.lastUsedAt == fixture.now)
        #expect(try await store.unassignToken(serial: "H1").user == nil)
        try await store.deleteToken(serial: "H1")
        await #expect(throws: StoreError.tokenNotFound("H1")) {
            try await store.assignToken(serial: "H1", user: "alice")
        }
    }
}
