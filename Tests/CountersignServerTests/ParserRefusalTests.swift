import CountersignCore
import CountersignServer
import Foundation
import HummingbirdTesting
import Testing

@Suite("Requests the HTTP parser refuses still get the API's JSON error body")
struct ParserRefusalTests {
    /// The status line and the decoded error of a raw answer.
    func read(_ answer: String) throws -> (status: String, error: ErrorBody.Detail) {
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let status = try #require(parts.first?.components(separatedBy: "\r\n").first)
        let body = try JSONDecoder().decode(ErrorBody.self, from: Data(try #require(parts.dropFirst().first).utf8))
        #expect(answer.lowercased().contains("content-type: application/json"), "\(answer)")
        return (status, body.error)
    }

    @Test("a header over 32 KB is refused with 431 and says the limit; a normal request on the listener still works")
    func headerTooLarge() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let big = String(repeating: "a", count: CountersignRequestContext.maxHeaderBytes + 1)
            let answer = try await RawHTTP.exchange(
                port: port, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(big)\r\n\r\n")
            let (status, error) = try read(answer)
            #expect(status.hasPrefix("HTTP/1.1 431"), "\(status)")
            #expect(error.code == "header_too_large")
            #expect(error.message.contains("32 KB"))

            let fine = try await RawHTTP.exchange(
                port: port, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(fine.hasPrefix("HTTP/1.1 200"), "\(fine)")
        }
    }

    @Test("two Content-Lengths that differ are refused with 400 invalid_content_length and change nothing")
    func conflictingContentLength() async throws {
        let server = try await TestServer.make()
        let usersBefore = try await server.store.users(page: PageRequest()).items.count
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"name":"mallory"}"#
            let answer = try await RawHTTP.exchange(
                port: port,
                "POST /v1/users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.adminToken)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nContent-Length: 3\r\n\r\n"
                    + body)
            let (status, error) = try read(answer)
            #expect(status.hasPrefix("HTTP/1.1 400"), "\(status)")
            #expect(error.code == "invalid_content_length")
        }
        #expect(try await server.store.users(page: PageRequest()).items.count == usersBefore)
    }

    @Test("a request line that is not HTTP is refused with 400 malformed_request")
    func malformedRequestLine() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.live) { client in
            let answer = try await RawHTTP.exchange(port: try #require(client.port), "GET /health HTTX/9\r\n\r\n")
            let (status, error) = try read(answer)
            #expect(status.hasPrefix("HTTP/1.1 400"), "\(status)")
            #expect(error.code == "malformed_request")
        }
    }
}
