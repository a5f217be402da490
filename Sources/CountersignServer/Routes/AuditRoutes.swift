import CountersignCore
import Foundation
import Hummingbird

/// The admin audit trail (admin API), newest first.
struct AuditRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.get("audit") { request, _ in
            let since = try AuthLogRoutes.date(request.uri.queryParameters.get("since"), name: "since")
            let limit = try request.uri.queryParameters.get("limit").map { text in
                guard let limit = Int(text), (1...1000).contains(limit) else {
                    throw Validation.Failure("limit must be a whole number from 1 to 1000")
                }
                return limit
            }
            let entries = try await environment.store.audit(since: since, limit: limit ?? 100)
            return try JSONResponse.make(entries.map(AdminAuditView.init))
        }
    }
}
