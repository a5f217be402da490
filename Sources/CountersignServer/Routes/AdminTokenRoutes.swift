import CountersignCore
import Foundation
import Hummingbird

/// Admin tokens (admin API): the token is shown once, when made; a revoked or expired one gets 401
/// from its next request on.
struct AdminTokenRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("admin-tokens") { request, context in
            let body = try await request.decodeJSON(CreateAdminTokenRequest.self, context: context)
            let now = environment.clock.now()
            if let expiresAt = body.expiresAt, expiresAt <= now {
                throw Validation.Failure("expiresAt must be in the future")
            }
            let token = try await environment.adminTokens.issue(name: body.name, expiresAt: body.expiresAt, now: now)
            // What was just stored, without reading it back.
            let entry = AdminTokenEntry(name: body.name, createdAt: now, expiresAt: body.expiresAt, revokedAt: nil)
            context.logger.notice("admin token created", metadata: ["name": "\(body.name)"])
            return try JSONResponse.make(
                CreatedAdminToken(adminToken: AdminTokenView(entry, at: now), token: token), status: .created)
        }

        group.get("admin-tokens") { _, _ in
            let now = environment.clock.now()
            return try JSONResponse.make(try await environment.store.adminTokens().map { AdminTokenView($0, at: now) })
        }

        group.delete("admin-tokens/:name") { _, context in
            let name = try context.pathParameter("name")
            let revoked = try await environment.store.revokeAdminToken(name: name, now: environment.clock.now())
            context.logger.notice("admin token revoked", metadata: ["name": "\(name)"])
            return try JSONResponse.make(AdminTokenView(revoked, at: environment.clock.now()))
        }
    }
}
