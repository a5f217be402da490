import Hummingbird
import Logging

/// Turns every error a route throws into one JSON error body; unknown errors become a 500 whose
/// details go to the log, not to the caller.
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            if let apiError = APIError.from(error) { throw apiError }
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, code: "internal_error", "the server failed to handle the request")
        }
    }
}
