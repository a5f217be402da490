import CountersignCore
import Foundation
import Hummingbird

/// Hardware OATH tokens (admin API): bulk import, list, assign to users, delete.
struct TokenRoutes {
    let environment: ServerEnvironment

    /// One request's tokens: 64 MiB holds about 500,000 tokens as JSON. A larger import goes in
    /// parts (`TokenImportRoutes`), each within these limits, and is still all or nothing.
    static let maxImportBytes = 64 * 1024 * 1024
    static let maxTokensPerImport = 500_000

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("tokens") { request, context in
            let body = try await request.decodeJSON(
                ImportTokensRequest.self, context: context, limit: Self.maxImportBytes)
            let seeds = try Self.validated(body)
            let imported = try await environment.store.importTokens(seeds, now: environment.clock.now())
            context.logger.notice("hardware tokens imported", metadata: ["count": "\(imported)"])
            return try JSONResponse.make(ImportTokensResult(imported: imported), status: .created)
        }

        group.get("tokens") { request, _ in
            let user = request.uri.queryParameters["user"].map(String.init)
            let page = try await environment.store.tokens(user: user, page: PagedResponse.request(request))
            return try PagedResponse.make(page.map(\.httpView), for: request)
        }

        group.post("tokens/:serial/assign") { request, context in
            let serial = try context.pathParameter("serial")
            let body = try await request.decodeJSON(AssignTokenRequest.self, context: context)
            let token = try await environment.store.assignToken(serial: serial, user: body.user)
            context.logger.notice("token assigned", metadata: ["serial": "\(serial)", "user": "\(body.user)"])
            return try JSONResponse.make(token)
        }

        group.post("tokens/:serial/unassign") { _, context in
            let serial = try context.pathParameter("serial")
            let token = try await environment.store.unassignToken(serial: serial)
            context.logger.notice("token unassigned", metadata: ["serial": "\(serial)"])
            return try JSONResponse.make(token)
        }

        group.delete("tokens/:serial") { _, context in
            let serial = try context.pathParameter("serial")
            try await environment.store.deleteToken(serial: serial)
            context.logger.notice("token deleted", metadata: ["serial": "\(serial)"])
            return Response(status: .noContent)
        }
    }

    /// Checks every token and refuses the import on the first bad one, naming it by position.
    static func validated(_ body: ImportTokensRequest) throws -> [TokenSeed] {
        guard !body.tokens.isEmpty else { throw APIError.invalid("the import holds no tokens") }
        guard body.tokens.count <= maxTokensPerImport else {
            throw APIError.invalid(
                "one request holds at most \(maxTokensPerImport) tokens; send more in parts (POST /v1/token-imports)")
        }
        var serials = Set<String>()
        return try body.tokens.enumerated().map { index, token in
            let seed: TokenSeed
            do {
                seed = try token.seed()
            } catch {
                throw APIError.invalid("tokens[\(index)]: \(error)")
            }
            guard serials.insert(seed.serial.lowercased()).inserted else {
                throw APIError.invalid("tokens[\(index)]: serial '\(seed.serial)' appears twice in the import")
            }
            return seed
        }
    }
}
