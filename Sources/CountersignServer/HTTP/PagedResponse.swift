import CountersignCore
import HTTPTypes
import Hummingbird

/// A page of a long list: the body is the page's items as a JSON array, as it always was, and a
/// `Link: <…>; rel="next"` header (RFC 8288) gives the path of the next page while there is one.
enum PagedResponse {
    /// The page the query asks for (`after`, `limit`), checked.
    static func request(_ request: Request) throws -> PageRequest {
        let query = request.uri.queryParameters
        return try PageRequest(after: query.get("after"), limit: query.get("limit"))
    }

    static func make<Item: Encodable>(_ page: Page<Item>, for request: Request) throws -> Response {
        var response = try JSONResponse.make(page.items)
        if let next = page.nextAfter {
            response.headers[.link] = "<\(nextPath(request, after: next))>; rel=\"next\""
        }
        return response
    }

    /// The same path and filters, continuing after `after`.
    static func nextPath(_ request: Request, after: String) -> String {
        var parts: [String] = []
        for (name, value) in request.uri.queryParameters where name != "after" {
            parts.append("\(String(name).queryValue)=\(String(value).queryValue)")
        }
        parts.append("after=\(after.queryValue)")
        return request.uri.path + "?" + parts.joined(separator: "&")
    }
}

extension HTTPField.Name {
    // swift-http-types names no Link field; a constant, valid name cannot fail.
    static let link = HTTPField.Name("Link")!
}
