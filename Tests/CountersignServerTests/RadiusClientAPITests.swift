import CountersignCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CountersignServer

@Suite("Admin API: RADIUS clients")
struct RadiusClientAPITests {
    func post(
        _ client: some TestClientProtocol, _ server: TestServer, _ json: String, uri: String = "/v1/radius-clients",
        method: HTTPRequest.Method = .post
    )
        async throws -> (HTTPResponse.Status, String)
    {
        try await client.execute(uri: uri, method: method, headers: server.adminHeaders, body: ByteBuffer(string: json))
        {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test(
        "bad settings are refused saying what is wrong, and nothing is stored",
        arguments: [
            (#"{"address":"10.0.0.1","secret":"0123456789abcdef"}"#, "needs a name"),
            (#"{"name":"vpn","secret":"0123456789abcdef"}"#, "needs the address"),
            (#"{"name":"vpn","address":"10.0.0.1"}"#, "needs its shared secret"),
            (#"{"name":"vpn","address":"10.0.0.1","secret":"short"}"#, "16 to 128 characters"),
            (#"{"name":"vpn","address":"10.0.0.1/8","secret":"0123456789abcdef"}"#, "host bits set"),
            (#"{"name":"vpn","address":"vpn.example.com","secret":"0123456789abcdef"}"#, "not an IP address"),
            (#"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","mode":"pull"}"#, "mode"),
            (
                #"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","timeoutSeconds":5}"#,
                "between 10 and 600"
            ),
            (#"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","delimiter":"ab"}"#, "one punctuation"),
            (
                #"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","firstFactor":"radius"}"#,
                "needs upstream"
            ),
            (
                #"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","firstFactor":"radius","upstream":"10.0.0.5:1812","upstreamSecret":"0123456789abcdef","upstreamTimeoutSeconds":40}"#,
                "must be shorter than the client's"
            ),
            (
                #"{"name":"vpn","address":"10.0.0.1","secret":"0123456789abcdef","upstream":"10.0.0.5:1812"}"#,
                "need firstFactor radius"
            ),
        ])
    func badSettings(json: String, message: String) async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            let (status, body) = try await post(client, server, json)
            #expect(status == .badRequest, "\(body)")
            #expect(body.contains(message), "\(body)")
        }
        #expect(try await server.store.radiusClients().isEmpty)
    }

    @Test("a client is added, shown without its secrets, changed, refused twice, and deleted")
    func lifecycle() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            let (created, body) = try await post(
                client, server,
                #"{"name":"vpn","address":"10.0.0.0/8","secret":"0123456789abcdef-secret","firstFactor":"radius","upstream":"10.0.0.5:1812","upstreamSecret":"upstream-0123456789"}"#
            )
            #expect(created == .created, "\(body)")
            #expect(!body.contains("0123456789abcdef-secret") && !body.contains("upstream-0123456789"))
            #expect(body.contains(#""upstream":"10.0.0.5:1812""#) && body.contains(#""mode":"challenge""#), "\(body)")
            let (duplicate, _) = try await post(
                client, server, #"{"name":"VPN","address":"10.0.0.1","secret":"0123456789abcdef"}"#)
            #expect(duplicate == .conflict)

            let (changed, changedBody) = try await post(
                client, server, #"{"mode":"push","timeoutSeconds":60}"#, uri: "/v1/radius-clients/vpn", method: .patch)
            #expect(changed == .ok, "\(changedBody)")
            #expect(changedBody.contains(#""mode":"push""#) && changedBody.contains(#""timeoutSeconds":60"#))
            let (renamed, renamedBody) = try await post(
                client, server, #"{"name":"wifi"}"#, uri: "/v1/radius-clients/vpn", method: .patch)
            #expect(renamed == .badRequest && renamedBody.contains("cannot be renamed"))

            let stored = try #require(try await server.store.radiusClients().first)
            #expect(stored.secret == Array("0123456789abcdef-secret".utf8), "the secret is kept when not given")
            #expect(stored.settings.mode == .push)
            #expect(try await server.environment.radiusClients.client(for: [10, 9, 9, 9])?.name == "vpn")

            try await client.execute(uri: "/v1/radius-clients/vpn", method: .delete, headers: server.adminHeaders) {
                #expect($0.status == .noContent)
            }
            #expect(
                try await server.environment.radiusClients.client(for: [10, 9, 9, 9]) == nil,
                "the listener's copy is dropped with the delete")
            try await client.execute(uri: "/v1/radius-clients/vpn", method: .get, headers: server.adminHeaders) {
                #expect($0.status == .notFound)
            }
        }
    }
}
