import CountersignCore
import Hummingbird

/// Guards the admin API: `Authorization: Bearer <admin token>`.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext
    let tokens: AdminTokens
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard try await tokens.isValid(try request.bearerCredential(kind: "an admin token"), now: clock.now()) else {
            throw APIError.unauthorized("the admin token is not valid")
        }
        return try await next(request, context)
    }
}
