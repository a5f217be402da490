import CountersignClient
import CountersignCore
import CountersignPhoneKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A live server with a client key and a paired phone for alice.
struct SignInSetup {
    let server: TestServer
    let api: JSONHTTPClient
    let admin: JSONHTTPClient
    let phone: PhoneClient
    let account: PhoneAccount

    func start(_ request: AuthRequest = AuthRequest(user: "alice", context: AuthContext(application: "VPN")))
        async throws -> AuthTransaction
    {
        try await api.request("POST", "/v1/auth", body: request, as: AuthTransaction.self)
    }

    func outcome(_ id: String, wait: Int = 0) async throws -> AuthTransaction {
        try await api.request("GET", "/v1/auth/\(id)?wait=\(wait)", as: AuthTransaction.self)
    }

    func log() async throws -> [AuthLogEntry] {
        try await admin.request("GET", "/v1/log", as: AuthLogPage.self).entries
    }

    /// The challenge as the phone sees it, checked against its pinned key.
    func receivedDetails() async throws -> ChallengeDetails {
        let received = try await phone.pendingChallenges(for: account)
        guard case .genuine(let details) = try #require(received.first) else {
            throw ClientError(status: nil, code: nil, message: "the challenge did not verify")
        }
        return details
    }

    static func run(
        platform: DevicePlatform = .pollOnly, server makeServer: () async throws -> TestServer = { try await .make() },
        _ body: @Sendable (SignInSetup) async throws -> Void
    ) async throws {
        let server = try await makeServer()
        let code = try await server.pairingCode()
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let admin = JSONHTTPClient(baseURL: base, defaultHeaders: ["Authorization": "Bearer \(server.adminToken)"])
            let created = try await admin.request(
                "POST", "/v1/clients", body: CreateClientRequest(name: "vpn"), as: CreatedClient.self)
            let phone = PhoneClient(clock: server.clock)
            let account = try await phone.pair(
                PairingURL(server: base, code: code), platform: platform,
                pushToken: platform == .pollOnly ? nil : "0a1b2c3d")
            let api = JSONHTTPClient(baseURL: base, defaultHeaders: ["Authorization": "Bearer \(created.apiKey)"])
            try await body(SignInSetup(server: server, api: api, admin: admin, phone: phone, account: account))
        }
    }
}
