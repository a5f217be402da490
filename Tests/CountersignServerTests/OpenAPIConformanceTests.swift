import CountersignCore
import CountersignServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A property-based check of docs/openapi.yaml against the running router, in the spirit of
/// schemathesis: every documented operation gets requests made from a seeded random source (odd
/// path values, bodies of every JSON shape and of none, query values out of range), and every
/// answer must be a status the document lists for that operation, never a 5xx, and, when it is a
/// refusal, the API's JSON error body.
@Suite("docs/openapi.yaml against what the server answers")
struct OpenAPIConformanceTests {
    /// A small, seeded generator: the same seed gives the same requests, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let oddValues = [
        "alice", "ALICE", "nobody", "a%2Fb", "..", "%2e%2e", "x%00y", "%E2%80%AE", "%F0%9F%94%91", "' OR 1=1 --",
        String(repeating: "n", count: 300), "-1", "0", "99999999999999999999", "%", "a b", "%ZZ",
    ]
    static let fields = [
        "name", "user", "code", "method", "phone", "serial", "tokens", "provider", "billing", "context", "decision",
        "number", "digits", "pushToken", "publicKey", "platform", "licensed", "expiresAt", "application", "clientIP",
        "firstName", "email", "country", "secret", "validFor", "settings", "apns", "fcm",
    ]

    static func randomJSON(_ rng: inout SplitMix, depth: Int = 0) -> Any {
        switch Int.random(in: 0..<(depth > 2 ? 6 : 8), using: &rng) {
        case 0: return NSNull()
        case 1: return Bool.random(using: &rng)
        case 2: return [Int.min, -1, 0, 1, 6, 100, Int.max].randomElement(using: &rng) ?? 0
        case 3: return [0.5, -1e308, 1e308].randomElement(using: &rng) ?? 0
        case 4, 5:
            return (oddValues + ["2026-02-30", "12:99", "+14155550100", "push", "sms", "approve", "JBSWY3DPEHPK3PXP"])
                .randomElement(using: &rng) ?? ""
        case 6: return (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomJSON(&rng, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                object[fields.randomElement(using: &rng) ?? "name"] = randomJSON(&rng, depth: depth + 1)
            }
            return object
        }
    }

    static func randomBody(_ rng: inout SplitMix) -> ByteBuffer? {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return nil
        case 1: return ByteBuffer(string: "{\"name\": ")
        case 2: return ByteBuffer(bytes: [0xFF, 0xFE, 0x7B, 0x00])
        case 3: return ByteBuffer(string: String(repeating: "[", count: 400) + String(repeating: "]", count: 400))
        default:
            let value = randomJSON(&rng)
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data()
            return ByteBuffer(bytes: data)
        }
    }

    static func randomPath(_ template: String, _ rng: inout SplitMix) -> String {
        var path = template.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") ? (oddValues.randomElement(using: &rng) ?? "x") : String(segment)
        }.joined(separator: "/")
        if Bool.random(using: &rng) {
            let queries = [
                "limit=0", "limit=10001", "limit=abc", "after=", "user=nobody", "since=2026-02-30", "until=12:99",
                "month=2026-13", "wait=-1", "wait=1e9", "result=maybe", "before=x", "limit=5&after=alice",
            ]
            path += "?" + (queries.randomElement(using: &rng) ?? "")
        }
        return path
    }

    @Test(
        "random requests to every documented operation get a documented status, never a 5xx, and refusals carry the JSON error body",
        arguments: [20_261_201, 7, 424_242] as [UInt64])
    func randomRequests(seed: UInt64) async throws {
        let documented = try OpenAPIDocumentTests.documentedStatuses()
        #expect(documented.count > 40)
        let server = try await TestServer.make()
        let surprises = try await server.makeApplication().test(.router) { client in
            var rng = SplitMix(state: seed)
            var surprises: [String] = []
            let created = try await client.execute(
                uri: "/v1/clients", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(string: #"{"name":"fuzz"}"#))
            let apiKey =
                try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])["apiKey"]
                as? String
            for (operation, statuses) in documented.sorted(by: { $0.key < $1.key }) {
                let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(rawValue: parts[0]) ?? .get
                let template = parts[1]
                // Random ids name no sign-in, so a long-poll (wait=…) answers at once.
                for _ in 0..<12 {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if template.hasPrefix("/v1/auth") {
                        headers[.authorization] = "Bearer \(apiKey)"
                    } else if !template.hasPrefix("/v1/devices/{id}/") {
                        // Below /v1/devices/{id}/ requests are signed by phones, and get no token.
                        headers[.authorization] = "Bearer \(server.adminToken)"
                    }
                    if Int.random(in: 0..<8, using: &rng) == 0 { headers[.authorization] = "bearer wrong" }
                    let path = Self.randomPath(template, &rng)
                    let body = Self.randomBody(&rng)
                    let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
                    let status = Int(response.status.code)
                    let text = String(buffer: response.body)
                    if status >= 500 || (!statuses.contains(status) && status != 405) {
                        surprises.append(
                            "\(method) \(path) → \(status) (documented: \(statuses.sorted())): \(text.prefix(160))")
                    }
                    if status >= 400, text.contains("the field ''") {
                        surprises.append("\(method) \(path) → a refusal that names no field: \(text.prefix(160))")
                    }
                    if status >= 400 {
                        let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
                        if decoded == nil || decoded?.error.message.isEmpty == true {
                            surprises.append(
                                "\(method) \(path) → \(status) without the JSON error body: \(text.prefix(160))")
                        }
                    }
                }
            }
            return surprises
        }
        let count = surprises.count
        #expect(count == 0, "\(count) surprises:\n\(surprises.prefix(40).joined(separator: "\n"))")
        // A field at the top of no object is named as the body itself.
        #expect(!surprises.joined().contains("the field ''"))
    }
}
