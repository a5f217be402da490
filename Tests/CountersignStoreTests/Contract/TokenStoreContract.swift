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
        #expect(try await store.tokens(user: nil, page: PageRequest()).items.map(\.serial) == ["A", "B"])
    }

    @Test(
        "tokens are listed a page at a time in serial order, each page after the last one's key, filters kept",
        arguments: StoreBackend.allCases)
    func paged(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore.seeded(backend)
        let store = fixture.store
        let serials = ["T05", "T01", "T04", "T02", "T03"]
        _ = try await store.importTokens(serials.map { TokenSeed(serial: $0, secret: secret) }, now: fixture.now)
        var seen: [String] = []
        var page = PageRequest(limit: 2)
        var pages = 0
        while true {
            let answer = try await store.tokens(user: nil, page: page)
            #expect(answer.items.count <= 2)
            seen += answer.items.map(\.serial)
            pages += 1
            guard let next = answer.nextAfter else { break }
            #expect(next == answer.items.last?.serial)
            page.after = next
        }
        #expect(seen == ["T01", "T02", "T03", "T04", "T05"])
        #expect(pages == 3)
        // A page that holds exactly what is left says there is no more.
        let last = try await store.tokens(user: nil, page: PageRequest(after: "T02", limit: 3))
        #expect(last.items.map(\.serial) == ["T03", "T04", "T05"] && last.nextAfter == nil)

        _ = try await store.assignToken(serial: "T02", user: "alice")
        _ = try await store.assignToken(serial: "T04", user: "alice")
        let alices = try await store.tokens(user: "alice", page: PageRequest(limit: 1))
        #expect(alices.items.map(\.serial) == ["T02"] && alices.nextAfter == "T02")
        let rest = try await store.tokens(user: "alice", page: PageRequest(after: "T02", limit: 1))
        #expect(rest.items.map(\.serial) == ["T04"])
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
        #expect(try await store.tokens(user: "alice", page: PageRequest()).items.first?.lastUsedAt == fixture.now)
        #expect(try await store.unassignToken(serial: "H1").user == nil)
        try await store.deleteToken(serial: "H1")
        await #expect(throws: StoreError.tokenNotFound("H1")) {
            try await store.assignToken(serial: "H1", user: "alice")
        }
    }
}
