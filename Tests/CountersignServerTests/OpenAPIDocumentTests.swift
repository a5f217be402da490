import CountersignServer
import Foundation
import Hummingbird
import Testing

@Suite("docs/openapi.yaml")
struct OpenAPIDocumentTests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    /// `METHOD /path` for every operation in the document, with `{name}` parameters.
    static func documentedOperations() throws -> Set<String> { Set(try documentedStatuses().keys) }

    /// `METHOD /path` → the statuses documented for it.
    static func documentedStatuses() throws -> [String: Set<Int>] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var statuses: [String: Set<Int>] = [:]
        var path: String?
        var operation: String?
        var inPaths = false
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, first != " ", first != "#" { inPaths = false }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix(while: { $0 == " " }).count
            if indent == 2, trimmed.hasPrefix("/") {
                path = String(trimmed.dropLast())
                operation = nil
            } else if indent == 4, let path, methods.contains(String(trimmed.dropLast())) {
                operation = "\(trimmed.dropLast().uppercased()) \(path)"
                statuses[operation ?? "", default: []] = []
            } else if indent == 8, let operation, trimmed.hasPrefix("\""), let code = Int(trimmed.dropFirst().prefix(3))
            {
                statuses[operation, default: []].insert(code)
            }
        }
        return statuses
    }

    @Test("every served route is documented, and every documented route is served")
    func routesMatch() async throws {
        let server = try await TestServer.make()
        let router = CountersignRouter.make(environment: server.environment)
        let served = Set(
            router.routes.map { route in
                let path = route.path.description
                    .split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                    .joined(separator: "/")
                return "\(route.method.rawValue) /\(path)"
            })
        let documented = try Self.documentedOperations()
        #expect(served.count > 10)
        #expect(
            served.subtracting(documented).isEmpty,
            "served but not in docs/openapi.yaml: \(served.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "documented but not served: \(documented.subtracting(served).sorted())")
    }
}
