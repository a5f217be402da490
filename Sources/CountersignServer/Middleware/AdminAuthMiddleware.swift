import CountersignCore
import CountersignStore
import Hummingbird

/// Guards the admin API (`Authorization: Bearer <admin token>`) and keeps its audit trail: every
/// change made through it (anything but a read) is recorded after it is answered, with the token's
/// name, the route, its parameters, the caller's address and the status. Bodies are never kept, so
/// nothing secret reaches the trail.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext
    let tokens: AdminTokens
    let audit: any AuditStore
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard
            let holder = try await tokens.holder(
                of: try request.bearerCredential(kind: "an admin token"), now: clock.now())
        else {
            throw APIError.unauthorized("the admin token is not valid")
        }
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            await record(request, context, holder: holder, status: response.status.code)
            return response
        } catch {
            await record(request, context, holder: holder, status: APIError.from(error)?.status.code ?? 500)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, holder: String, status: Int) async {
        let target = context.parameters.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let entry = AdminAuditEntry(
            time: clock.now(), tokenName: holder,
            action: "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)",
            target: target.isEmpty ? nil : target, address: context.remoteAddress?.ipAddress, status: status)
        do {
            try await audit.appendAudit(entry)
        } catch {
            context.logger.error(
                "could not record the admin change in the audit trail", metadata: ["error": "\(error)"])
        }
    }
}
