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
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, first != " ", first != "#" { inPaths = false }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix(while: { $0 == " " }).count
            if indent == 2, trimmed.hasPrefix("/"), trimmed.hasSuffix(":") {
                currentPath = String(trimmed.dropLast())
            } else if indent == 4, let path = currentPath, trimmed.hasSuffix(":"),
                methods.contains(String(trimmed.dropLast()))
            {
                operations.insert("\(trimmed.dropLast().uppercased()) \(path)")
            }
        }
        return operations
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
