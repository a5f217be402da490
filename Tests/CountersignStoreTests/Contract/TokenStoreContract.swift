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
        "an import in parts stores nothing until its commit, then every part at once; a serial sent twice is refused",
        arguments: StoreBackend.allCases)
    func importInParts(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        let seeds = (1...12).map { TokenSeed(serial: String(format: "S%02d", $0), secret: secret) }
        try await store.beginTokenImport(id: "imp-1", now: fixture.now, expiresAt: fixture.now + 3600)
        #expect(try await store.stageTokens(Array(seeds[0..<5]), importId: "imp-1", now: fixture.now) == 5)
        #expect(try await store.stageTokens(Array(seeds[5...]), importId: "imp-1", now: fixture.now) == 12)
        await #expect(throws: StoreError.tokenStagedTwice("s03")) {
            try await store.stageTokens([TokenSeed(serial: "s03", secret: secret)], importId: "imp-1", now: fixture.now)
        }
        #expect(try await store.tokens(user: nil, page: PageRequest()).items.isEmpty)
        #expect(try await store.commitTokenImport(id: "imp-1", now: fixture.now) == 12)
        #expect(try await store.tokens(user: nil, page: PageRequest()).items.map(\.serial) == seeds.map(\.serial))
        // Committed: the import is closed.
        await #expect(throws: StoreError.tokenImportNotFound("imp-1")) {
            try await store.commitTokenImport(id: "imp-1", now: fixture.now)
        }
    }

    @Test(
        "a commit that meets a stored serial stores nothing; abandoned and expired imports are gone",
        arguments: StoreBackend.allCases)
    func importInPartsAllOrNothing(_ backend: StoreBackend) async throws {
        let fixture = try await ContractStore(backend)
        let store = fixture.store
        _ = try await store.importTokens([TokenSeed(serial: "X2", secret: secret)], now: fixture.now)
        try await store.beginTokenImport(id: "imp-2", now: fixture.now, expiresAt: fixture.now + 3600)
        _ = try await store.stageTokens(
            ["X1", "x2", "X3"].map { TokenSeed(serial: $0, secret: secret) }, importId: "imp-2", now: fixture.now)
        await #expect(throws: StoreError.tokenExists("x2")) {
            try await store.commitTokenImport(id: "imp-2", now: fixture.now)
        }
        #expect(try await store.tokens(user: nil, page: PageRequest()).items.map(\.serial) == ["X2"])
        try await store.abandonTokenImport(id: "imp-2")
        await #expect(throws: StoreError.tokenImportNotFound("imp-2")) {
            try await store.stageTokens([TokenSeed(serial: "X4", secret: secret)], importId: "imp-2", now: fixture.now)
        }

        try await store.beginTokenImport(id: "imp-3", now: fixture.now, expiresAt: fixture.now + 60)
        let later = fixture.now + 61
        await #expect(throws: StoreError.tokenImportNotFound("imp-3")) {
            try await store.stageTokens([TokenSeed(serial: "X5", secret: secret)], importId: "imp-3", now: later)
        }
        // The next import drops the expired one with its parts.
        try await store.beginTokenImport(id: "imp-4", now: later, expiresAt: later + 3600)
        await #expect(throws: StoreError.tokenImportNotFound("imp-3")) {
            try await store.abandonTokenImport(id: "imp-3")
        }
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
