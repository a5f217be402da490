import CountersignCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CountersignServer

@Suite("Admin API")
struct AdminAPITests {
    @Test(
        "admin routes answer 401 without a token or with a wrong one",
        arguments: [
            (HTTPRequest.Method.get, "/v1/status"), (.get, "/v1/users"), (.post, "/v1/users"), (.get, "/v1/providers"),
            (.post, "/v1/activations"), (.get, "/v1/devices"), (.delete, "/v1/devices/x"),
            (.post, "/v1/users/alice/pairing-codes"),
        ])
    func unauthorized(method: HTTPRequest.Method, path: String) async throws {
        let server = try await TestServer.make()
        let wrongToken = server.adminToken.dropLast() + (server.adminToken.hasSuffix("A") ? "B" : "A")
        try await server.makeApplication().test(.router) { client in
            for headers: HTTPFields in [
                [:], [.authorization: "Bearer \(wrongToken)"], [.authorization: "Basic \(server.adminToken)"],
                [.authorization: "Bearer csa_0000000000000000_x"],
            ] {
                try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(json: "{}")) {
                    #expect($0.status == .unauthorized)
                    #expect($0.errorCode == "unauthorized")
                }
            }
        }
        #expect(try await server.userCount() == 1)
    }

    @Test("the bearer scheme is matched in any case, and percent-encoded path names mean the same user")
    func bearerCaseAndEncodedPaths() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            for scheme in ["bearer", "BEARER", "Bearer"] {
                let headers: HTTPFields = [.authorization: "\(scheme) \(server.adminToken)"]
                try await client.execute(uri: "/v1/users/al%69ce", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""name":"alice""#))
                }
            }
            try await client.execute(uri: "/v1/users/al%zzce", method: .get, headers: server.adminHeaders) {
                #expect($0.status == .badRequest)
                #expect($0.errorCode == "invalid_request")
            }
        }
    }

    @Test(
        "admin tokens: a second one is made and works, the first is revoked and gets 401 at once, the last one stays, an expired one gets 401"
    )
    func adminTokenLifecycle() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            func headers(_ token: String) -> HTTPFields {
                [.authorization: "Bearer \(token)", .contentType: "application/json"]
            }
            func status(_ token: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/v1/status", method: .get, headers: headers(token)) { $0.status }
            }
            let ops = try await client.execute(
                uri: "/v1/admin-tokens", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: #"{"name":"ops"}"#)
            ) { response in
                #expect(response.status == .created)
                return try APIJSON.makeDecoder().decode(
                    CreatedAdminToken.self, from: Data(response.body.readableBytesView))
            }
            #expect(ops.adminToken.state == "active" && ops.token.hasPrefix("csa_"))
            #expect(try await status(ops.token) == .ok)
            let listed = try await client.execute(uri: "/v1/admin-tokens", method: .get, headers: headers(ops.token)) {
                String(buffer: $0.body)
            }
            #expect(listed.contains(#""name":"test""#) && listed.contains(#""name":"ops""#) && !listed.contains("csa_"))

            try await client.execute(uri: "/v1/admin-tokens/test", method: .delete, headers: headers(ops.token)) {
                #expect($0.status == .ok)
            }
            #expect(try await status(server.adminToken) == .unauthorized)
            try await client.execute(uri: "/v1/admin-tokens/ops", method: .delete, headers: headers(ops.token)) {
                #expect($0.status == .conflict)
                #expect($0.errorMessage?.contains("last admin token") == true)
            }

            let expiry = server.clock.now().addingTimeInterval(60).formatted(.iso8601)
            let short = try await client.execute(
                uri: "/v1/admin-tokens", method: .post, headers: headers(ops.token),
                body: ByteBuffer(json: #"{"name":"short","expiresAt":"\#(expiry)"}"#)
            ) { try APIJSON.makeDecoder().decode(CreatedAdminToken.self, from: Data($0.body.readableBytesView)) }
            #expect(try await status(short.token) == .ok)
            server.clock.advance(by: 61)
            #expect(try await status(short.token) == .unauthorized)
            #expect(try await status(ops.token) == .ok)
        }
    }

    @Test("every change made through the admin API is in the audit trail, with its outcome; reads and bodies are not")
    func auditTrail() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            let body = ByteBuffer(json: #"{"name":"bob","phone":"+14155550123"}"#)
            try await client.execute(uri: "/v1/users", method: .post, headers: server.adminHeaders, body: body) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/v1/users", method: .post, headers: server.adminHeaders, body: body) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/v1/users/bob", method: .get, headers: server.adminHeaders) { _ in }
            try await client.execute(uri: "/v1/users/bob", method: .delete, headers: server.adminHeaders) {
                #expect($0.status == .noContent)
            }
            let trail = try await client.execute(uri: "/v1/audit", method: .get, headers: server.adminHeaders) {
                try APIJSON.makeDecoder().decode([AdminAuditView].self, from: Data($0.body.readableBytesView))
            }
            #expect(trail.map(\.action) == ["DELETE /v1/users/{name}", "POST /v1/users", "POST /v1/users"])
            #expect(trail.map(\.status) == [204, 409, 201])
            #expect(trail.allSatisfy { $0.token == "test" })
            #expect(trail.first?.target == "name=bob")
            let raw = try await client.execute(uri: "/v1/audit", method: .get, headers: server.adminHeaders) {
                String(buffer: $0.body)
            }
            #expect(!raw.contains("+14155550123") && !raw.contains(server.adminToken))
            try await client.execute(uri: "/v1/audit?since=2026-02-30", method: .get, headers: server.adminHeaders) {
                #expect($0.status == .badRequest)
                #expect($0.errorMessage?.contains("that exists") == true)
            }
        }
    }

    @Test("a valid admin token is accepted")
    func authorized() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: server.adminHeaders) { response in
                #expect(response.status == .ok)
                let status = try APIJSON.makeDecoder().decode(
                    StatusView.self, from: Data(response.body.readableBytesView))
                #expect(status.activation?.provider == "acme")
                #expect(status.users == 1)
            }
        }
    }

    @Test(
        "malformed bodies get a 400 that names the problem, and store nothing",
        arguments: [
            ("{\"name\": ", "not valid JSON"), ("{\"name\": 5}", "'name' must be a string"),
            ("{\"first\": \"x\"}", "'name' is required"), ("", "needs a JSON body"),
            ("{\"name\": \"bob\", \"phone\": \"5550100\"}", "E.164"), ("{\"name\": \"b/ob\"}", "letters, digits"),
        ])
    func malformed(body: String, expectedMessage: String) async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/v1/users", method: .post, headers: server.adminHeaders, body: ByteBuffer(json: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_request")
                #expect(response.errorMessage?.contains(expectedMessage) == true, "\(response.errorMessage ?? "")")
            }
        }
        #expect(try await server.userCount() == 1)
    }

    @Test("an oversized body gets 413 and stores nothing")
    func oversized() async throws {
        let server = try await TestServer.make()
        let padding = String(repeating: "x", count: CountersignRequestContext.maxBodyBytes)
        try await server.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/v1/users", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"name\": \"bob\", \"lastName\": \"\(padding)\"}")
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorCode == "body_too_large")
            }
            try await client.execute(
                uri: "/v1/devices", method: .post, body: ByteBuffer(json: "{\"code\": \"\(padding)\"}")
            ) { #expect($0.status == .contentTooLarge) }
        }
        #expect(try await server.userCount() == 1)
        #expect(try await server.deviceCount() == 0)
    }

    @Test("a provider's billing model cannot change")
    func billingFixed() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/v1/providers/acme", method: .patch, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"billing\": \"per-authentication\"}")
            ) { response in
                #expect(response.status == .conflict)
                #expect(response.errorCode == "billing_model_fixed")
                #expect(response.errorMessage?.contains("cannot be changed") == true)
            }
            try await client.execute(
                uri: "/v1/providers/acme", method: .patch, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"billing\": \"per-user\"}")
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v1/providers/acme", method: .patch, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"billing\": \"monthly\"}")
            ) { #expect($0.status == .badRequest) }
        }
        #expect(try await server.store.provider(named: "acme").billing == .perUser)
    }

    @Test("providers, users and activations are created and listed")
    func lifecycle() async throws {
        let server = try await TestServer.make(activated: false)
        try await server.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/v1/users/alice/pairing-codes", method: .post, headers: server.adminHeaders
            ) {
                #expect($0.status == .conflict)
                #expect($0.errorCode == "server_not_activated")
            }
            try await client.execute(
                uri: "/v1/providers", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"name\": \"acme\", \"billing\": \"per-authentication\", \"tenant\": \"t1\"}")
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/providers", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"name\": \"acme\", \"billing\": \"per-user\"}")
            ) { #expect($0.status == .conflict) }
            try await client.execute(
                uri: "/v1/activations", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"provider\": \"acme\"}")
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/activations", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"provider\": \"acme\"}")
            ) { #expect($0.status == .conflict) }
            try await client.execute(
                uri: "/v1/users/alice/pairing-codes", method: .post, headers: server.adminHeaders,
                body: ByteBuffer(json: "{\"validForSeconds\": 60}")
            ) { response in
                #expect(response.status == .created)
                let code = try APIJSON.makeDecoder().decode(
                    PairingCodeView.self, from: Data(response.body.readableBytesView))
                #expect(code.url.hasPrefix("countersign://pair?server="))
                #expect(try Base32.decode(code.code).count * 8 >= 128)
                #expect(abs(code.expiresAt.timeIntervalSince(server.clock.now()) - 60) < 1)
            }
            try await client.execute(
                uri: "/v1/users/nobody/pairing-codes", method: .post, headers: server.adminHeaders
            ) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/users/alice/disable", method: .post, headers: server.adminHeaders) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/v1/users/alice/pairing-codes", method: .post, headers: server.adminHeaders
            ) { #expect($0.status == .forbidden) }
        }
        #expect(try await server.store.currentActivation()?.provider == "acme")
    }

    @Test("health needs no token; metrics, served on loopback without one, count requests by route")
    func healthAndMetrics() async throws {
        let server = try await TestServer.make()
        try await server.makeApplication().test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/users", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(
                    text.contains(#"countersign_http_requests_total{method="GET",route="/v1/users",status="401"} 1"#),
                    "\(text)")
                #expect(text.contains(#"route="/health""#))
            }
        }
    }

    @Test("with --metrics-token, metrics need that token, on loopback too")
    func metricsToken() async throws {
        let token = "scrape-1234567890abcdef"
        let server = try await TestServer.make(metricsToken: token)
        try await server.makeApplication().test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token.dropLast())x"]
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains("countersign_http_requests_total"))
            }
        }
    }

    @Test("without a metrics token, metrics are refused to any address but this machine's loopback")
    func metricsLoopbackOnly() {
        #expect(ServiceRoutes.metricsRefusal(remoteAddress: "127.0.0.1", presented: nil, token: nil) == nil)
        #expect(ServiceRoutes.metricsRefusal(remoteAddress: "::1", presented: nil, token: nil) == nil)
        for address in ["192.0.2.10", "10.0.0.1", nil] as [String?] {
            #expect(
                ServiceRoutes.metricsRefusal(remoteAddress: address, presented: nil, token: nil)?.status == .forbidden)
        }
        #expect(ServiceRoutes.metricsRefusal(remoteAddress: "192.0.2.10", presented: "t", token: "t") == nil)
    }
}
