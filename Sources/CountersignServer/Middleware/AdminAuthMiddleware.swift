import Hummingbird

/// Guards the admin API: `Authorization: Bearer <admin token>`.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext
    let tokens: AdminTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this route needs an admin token: send 'Authorization: Bearer <token>'")
        }
        let scheme = "Bearer "
        guard header.hasPrefix(scheme), try await tokens.isValid(String(header.dropFirst(scheme.count))) else {
            throw APIError.unauthorized("the admin token is not valid")
        }
        return try await next(request, context)
    }
}
