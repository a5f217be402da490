import CountersignCore
import CountersignStore
import Foundation
import Hummingbird

/// The authentication log, newest first, paged (admin API).
struct AuthLogRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.get("log") { request, _ in
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
    }

    /// An ISO 8601 time, or a day (YYYY-MM-DD, midnight UTC).
    static func date(_ text: String?, name: String) throws -> Date? {
        guard let text else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let day = try? Date(text, strategy: .iso8601.year().month().day()) { return day }
        throw APIError.invalid("\(name) must be a date (2026-11-23) or an ISO 8601 time (2026-11-23T09:00:00Z)")
    }
}
