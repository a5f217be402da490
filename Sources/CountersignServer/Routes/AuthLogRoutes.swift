import CountersignCore
import CountersignStore
import Foundation
import Hummingbird

/// The authentication log, newest first, paged, and the reports built on it (admin API).
struct AuthLogRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        // The auth report is the log with every field; both names serve it.
        group.get("log") { request, _ in try await page(request) }
        group.get("reports/auth") { request, _ in try await page(request) }

        group.get("reports/usage") { request, _ in
            guard let text = request.uri.queryParameters.get("month"), let month = ReportMonth(text) else {
                throw APIError.invalid("month must be YYYY-MM, e.g. 2026-11")
            }
            return try JSONResponse.make(try await environment.store.usage(month: month, now: environment.clock.now()))
        }

        group.post("log/prune") { request, context in
            let body = try await request.decodeJSON(PruneLogRequest.self, context: context)
            let result = try await environment.store.pruneAuthLog(before: body.before, now: environment.clock.now())
            context.logger.notice(
                "auth log pruned", metadata: ["deleted": "\(result.deleted)", "before": "\(result.before)"])
            return try JSONResponse.make(result)
        }

        group.post("users/:name/license") { request, context in
            let name = try context.pathParameter("name")
            let body = try await request.decodeJSON(SetLicenseRequest.self, context: context)
            let user = try await environment.store.setLicense(user: name, licensed: body.licensed)
            return try JSONResponse.make(UserView(user, at: environment.clock.now()))
        }
    }

    func page(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = AuthLogFilter()
        filter.user = query.get("user")
        filter.since = try Self.date(query.get("since"), name: "since")
        filter.until = try Self.date(query.get("until"), name: "until")
        if let result = query.get("result") {
            guard let parsed = AuthLogResult(rawValue: result) else {
                throw APIError.invalid("result must be success or denied")
            }
            filter.result = parsed
        }
        if let before = query.get("before") {
            guard let id = Int64(before) else { throw APIError.invalid("before must be a row id") }
            filter.before = id
        }
        if let limit = query.get("limit") {
            guard let count = Int(limit), (1...1000).contains(count) else {
                throw APIError.invalid("limit must be between 1 and 1000")
            }
            filter.limit = count
        }
        return try JSONResponse.make(try await environment.store.authLog(filter))
    }

    /// An ISO 8601 time, or a day (YYYY-MM-DD, midnight UTC), read exactly (`StrictDate`).
    static func date(_ text: String?, name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = StrictDate.parse(text) else {
            throw Validation.Failure(
                "\(name) '\(text.prefix(40))' is not a day (2026-11-23) or an ISO 8601 time (2026-11-23T09:00:00Z) that exists"
            )
        }
        return date
    }
}
