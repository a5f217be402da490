import Hummingbird

/// Guards the auth API: `Authorization: Bearer <client API key>`. Admin tokens are not accepted
/// here: an application holds only the right to ask for a second factor.
struct ClientAuthMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext
    let keys: ClientKeys

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let name = try await keys.clientName(for: try request.bearerCredential(kind: "a client API key")) else {
            throw APIError.unauthorized(
                "the client API key is not valid; make one with 'countersign client create NAME'")
        }
        var context = context
        context.clientName = name
        return try await next(request, context)
    }
}
