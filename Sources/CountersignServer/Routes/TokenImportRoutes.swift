import CountersignCore
import Foundation
import Hummingbird

/// Imports too large for one request (admin API): opened, sent in parts of at most
/// `TokenRoutes.maxTokensPerImport` tokens, then committed all at once or not at all.
struct TokenImportRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("token-imports") { _, context in
            let now = environment.clock.now()
            let session = TokenImportSession(
                id: "imp_" + SecureRandom.token(byteCount: 16),
                expiresAt: now.addingTimeInterval(TimeInterval(TokenImportLimits.openImportMinutes * 60)),
                maxTokensPerPart: TokenRoutes.maxTokensPerImport)
            try await environment.store.beginTokenImport(id: session.id, now: now, expiresAt: session.expiresAt)
            context.logger.notice("token import opened", metadata: ["import": "\(session.id)"])
            return try JSONResponse.make(session, status: .created)
        }

        group.post("token-imports/:id/tokens") { request, context in
            let id = try context.pathParameter("id")
            let body = try await request.decodeJSON(
                ImportTokensRequest.self, context: context, limit: TokenRoutes.maxImportBytes)
            let seeds = try TokenRoutes.validated(body)
            let staged = try await environment.store.stageTokens(seeds, importId: id, now: environment.clock.now())
            return try JSONResponse.make(StagedTokensResult(staged: staged))
        }

        group.post("token-imports/:id/commit") { _, context in
            let id = try context.pathParameter("id")
            let imported = try await environment.store.commitTokenImport(id: id, now: environment.clock.now())
            context.logger.notice(
                "hardware tokens imported", metadata: ["count": "\(imported)", "import": "\(id)"])
            return try JSONResponse.make(ImportTokensResult(imported: imported), status: .created)
        }

        group.delete("token-imports/:id") { _, context in
            try await environment.store.abandonTokenImport(id: try context.pathParameter("id"))
            return Response(status: .noContent)
        }
    }
}
