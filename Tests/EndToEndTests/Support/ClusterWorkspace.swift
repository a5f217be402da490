import CountersignCore
import CountersignPhoneKit
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Several `countersign server` nodes on one PostgreSQL database, each with its own data folder
/// and all with one master key, and the simulated phones. The last node runs `--dev`: it links the
/// database to the local provider and hosts the gateway emulator every node sends through (as
/// Apple's and Google's services are outside every node in production).
///
/// The database is the throwaway server the test command started, in a schema of the
/// workspace's own; `PostgresProcess` starts a server of a test's own when the test stops it.
struct ClusterWorkspace {
    static var databaseURL: String? { ProcessInfo.processInfo.environment["COUNTERSIGN_TEST_POSTGRES_URL"] }

    let dev: DevWorkspace
    let databaseURL: String
    let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    var nodes: [ServerProcess] = []

    /// A workspace on a new schema of `serverURL` (the throwaway server's URL).
    init(serverURL: String) throws {
        dev = try DevWorkspace()
        let schema = "cluster_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.psql(serverURL, "CREATE SCHEMA \(schema)")
        databaseURL = serverURL + "&search_path=\(schema)"
    }

    /// Runs one statement with psql (from Debian's postgresql-client, beside the server).
    static func psql(_ url: String, _ statement: String) throws {
        // libpq reads the URL itself; search_path is Countersign's own setting, so it is left out.
        let plain = url.components(separatedBy: "&search_path=")[0]
        let result = try Executables.run(
            "/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", plain, "-c", statement])
        guard result.status == 0 else { throw ServerFailure(message: "psql failed: \(result.errors)") }
    }

    /// One value from psql (unaligned, no headings).
    static func psqlValue(_ url: String, _ query: String) throws -> String {
        let plain = url.components(separatedBy: "&search_path=")[0]
        let result = try Executables.run("/usr/bin/psql", ["-X", "-q", "-A", "-t", plain, "-c", query])
        guard result.status == 0 else { throw ServerFailure(message: "psql failed: \(result.errors)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var nodeEnvironment: [String: String] { ["COUNTERSIGN_MASTER_KEY": masterKey] }

    /// The directory of the throwaway server's Unix socket, when the test command gave it.
    static var socketDirectory: String? { ProcessInfo.processInfo.environment["COUNTERSIGN_TEST_POSTGRES_SOCKET"] }

    /// `databaseURL` through the server's Unix socket rather than TCP.
    var socketURL: String? { Self.socketDirectory.map { databaseURL + "&host=\($0)" } }

    func folder(_ index: Int) -> URL { dev.folder.appendingPathComponent("node\(index)") }

    /// Starts node `index` (1-based) on `databaseURL`; the last of `count` runs `--dev`.
    func startNode(
        _ index: Int, of count: Int, port: Int? = nil, extra: [String] = [], overSocket: Bool = false
    ) async throws -> ServerProcess {
        // Every node speaks plain HTTP on loopback, the development one too, so one client reaches all.
        let devArguments = index == count ? dev.serverArguments + ["--dev-plain-http"] : []
        let url = overSocket ? (socketURL ?? databaseURL) : databaseURL
        let node = try ServerProcess(
            dataDirectory: folder(index).appendingPathComponent("data"), port: port,
            extraArguments: ["--database", url, "--node-name", "node\(index)"] + devArguments + extra,
            environment: nodeEnvironment)
        try await node.waitUntilListening()
        return node
    }

    /// Starts `count` nodes, the `--dev` one first (it activates the shared database); the nodes in
    /// `overSocket` connect through the server's Unix socket.
    mutating func start(_ count: Int, extra: [String] = [], overSocket: Set<Int> = []) async throws {
        let last = try await startNode(count, of: count, extra: extra, overSocket: overSocket.contains(count))
        var started: [ServerProcess] = []
        for index in 1..<count {
            started.append(try await startNode(index, of: count, extra: extra, overSocket: overSocket.contains(index)))
        }
        nodes = started + [last]
    }

    var adminToken: String {
        get throws {
            try String(
                contentsOf: folder(nodes.count).appendingPathComponent("data/admin-token"), encoding: .utf8
            ).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The operator's command line against `node`.
    func admin(_ node: ServerProcess, _ arguments: [String], environment: [String: String] = [:]) throws
        -> Executables.Result
    {
        try Executables.run(
            "countersign", arguments,
            environment: ["COUNTERSIGN_SERVER": node.url, "COUNTERSIGN_TOKEN": try adminToken].merging(environment) {
                $1
            })
    }

    func phone(_ arguments: [String]) throws -> Executables.Result { try dev.phone(arguments) }

    /// Adds `user` through `node`, pairs a phone of the same name through `node`.
    func pairPhone(_ node: ServerProcess, user: String, platform: String = "apns", phone number: String? = nil)
        throws -> PhoneAccount
    {
        #expect(try admin(node, ["user", "add", user] + (number.map { ["--phone", $0] } ?? [])).status == 0)
        let url = try #require(
            try admin(node, ["user", "pair", user]).output.split(separator: "\n").last.map(String.init))
        let paired = try phone(["pair", url, "--platform", platform, "--phone", user])
        #expect(paired.status == 0, "\(paired.errors)")
        return try dev.phoneState(user).account(named: nil)
    }

    /// A client's API key, made through `node`.
    func apiKey(_ node: ServerProcess, client: String) throws -> String {
        let created = try admin(node, ["client", "create", client])
        #expect(created.status == 0, "\(created.errors)")
        return try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
    }

    func remove() { dev.remove() }
}

/// JSON over HTTP to a node, as an application would send it.
enum NodeHTTP {
    struct Answer {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func send(
        _ method: String, _ url: String, apiKey: String? = nil, body: Data? = nil, headers: [String: String] = [:],
        timeout: TimeInterval = 70
    ) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: url)), timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    static func transaction(_ answer: Answer) throws -> AuthTransaction {
        try APIJSON.makeDecoder().decode(AuthTransaction.self, from: answer.body)
    }
}

/// A PostgreSQL server of a test's own (from `scripts/postgres-throwaway.sh`), for a test that
/// stops it: the shared one must stay up for the others.
final class PostgresProcess {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/postgres-throwaway.sh")
        .path
    let folder = "/tmp/countersign-pg-\(UUID().uuidString.prefix(8))"
    let url: String

    /// With `tls`, the server speaks TLS with a certificate from a CA of its own, `caCertificate`.
    init(tls: Bool = false) throws {
        let started = try Executables.run(
            "/bin/bash", [Self.script, "start", folder], environment: ["COUNTERSIGN_PG_TLS": tls ? "1" : "0"])
        guard started.status == 0 else { throw ServerFailure(message: "PostgreSQL did not start: \(started.errors)") }
        url = started.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var caCertificate: String { folder + "/tls/ca.pem" }

    /// An outage: the server stops, its data stays.
    func halt() throws { _ = try Executables.run("/bin/bash", [Self.script, "halt", folder]) }
    func resume() throws { _ = try Executables.run("/bin/bash", [Self.script, "resume", folder]) }

    deinit { _ = try? Executables.run("/bin/bash", [Self.script, "stop", folder]) }
}
