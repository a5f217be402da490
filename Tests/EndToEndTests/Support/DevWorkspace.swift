import CountersignCore
import CountersignPhoneKit
import Foundation
import Synchronization
import Testing

/// A temporary folder holding a `countersign server --dev` data directory and the simulated phones,
/// with helpers that run the operator's command line and `countersign-phone` against them.
struct DevWorkspace {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("countersign-e2e-\(UUID().uuidString)")
    /// The gateway emulator's two ports: picked again when a start finds one taken.
    private let gatewayPorts: GatewayPorts
    var gatewayPort: Int { gatewayPorts.current.withLock { $0.gateway } }
    var controlPort: Int { gatewayPorts.current.withLock { $0.control } }

    final class GatewayPorts: Sendable {
        let current: Mutex<(gateway: Int, control: Int)>
        init(_ ports: (Int, Int)) { current = Mutex(ports) }
    }

    init() throws {
        gatewayPorts = GatewayPorts((try Executables.freePort(), try Executables.freePort()))
    }

    var dataDirectory: URL { folder.appendingPathComponent("data") }
    var phonesDirectory: URL { folder.appendingPathComponent("phones") }
    var controlURL: String { "http://127.0.0.1:\(controlPort)" }
    var serverArguments: [String] {
        ["--dev", "--gateway-port", String(gatewayPort), "--gateway-control-port", String(controlPort)]
    }

    /// A port found free can be taken by another test's connection before the server binds it; a
    /// server given no port is then started again on another, with new ports for its gateway too.
    func startServer(port: Int? = nil, extraArguments: [String] = []) async throws -> ServerProcess {
        var attempt = 1
        while true {
            let server = try ServerProcess(
                dataDirectory: dataDirectory, port: port, extraArguments: serverArguments + extraArguments)
            do {
                try await server.waitUntilListening()
                return server
            } catch let failure as ServerFailure
                where port == nil && attempt < 3 && failure.message.contains("Address already in use")
            {
                attempt += 1
                // The failed server's gateway child notices its parent is gone and frees its ports.
                try await Task.sleep(for: .seconds(2))
                let fresh = (try Executables.freePort(), try Executables.freePort())
                gatewayPorts.current.withLock { $0 = fresh }
            }
        }
    }

    /// The operator's command line with the admin token the server saved.
    func admin(_ server: ServerProcess, _ arguments: [String], environment: [String: String] = [:]) throws
        -> Executables.Result
    {
        let running = try startAdmin(server, arguments, environment: environment)
        running.process.waitUntilExit()
        return try running.result()
    }

    /// The admin token the development server saved in its data folder.
    func adminToken() throws -> String {
        try String(contentsOf: dataDirectory.appendingPathComponent("admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The operator's command line, started and left running.
    func startAdmin(_ server: ServerProcess, _ arguments: [String], environment: [String: String] = [:]) throws
        -> Executables.Running
    {
        return try Executables.start(
            "countersign", arguments,
            environment: ["COUNTERSIGN_SERVER": server.url, "COUNTERSIGN_TOKEN": try adminToken()].merging(
                caEnvironment
            ) { $1 }
            .merging(environment) { $1 })
    }

    func phone(_ arguments: [String]) throws -> Executables.Result {
        try Executables.run(
            "countersign-phone", arguments,
            environment: [
                PhoneState.homeVariable: phonesDirectory.path, PushGatewayAPI.controlURLVariable: controlURL,
            ].merging(caEnvironment) { $1 })
    }

    func phoneState(_ phone: String) throws -> PhoneState {
        try PhoneState(phone: phone, environment: [PhoneState.homeVariable: phonesDirectory.path])
    }

    /// Adds `user`, pairs a phone of the same name on `platform`, and returns the phone's account.
    func pairPhone(_ server: ServerProcess, user: String, platform: String) throws -> PhoneAccount {
        #expect(try admin(server, ["user", "add", user]).status == 0)
        let url = try #require(
            try admin(server, ["user", "pair", user]).output.split(separator: "\n").last.map(String.init))
        let paired = try phone(["pair", url, "--platform", platform, "--phone", user])
        #expect(paired.status == 0, "\(paired.errors)")
        return try phoneState(user).account(named: nil)
    }

    /// COUNTERSIGN_CA_FILE naming development mode's CA, once the server has made it.
    var caEnvironment: [String: String] {
        ServerProcess.developmentCA(in: dataDirectory).map { ["COUNTERSIGN_CA_FILE": $0] } ?? [:]
    }

    /// The same, as `NAME='value' ` for a shell command line.
    var caShellPrefix: String { caEnvironment.map { "\($0.key)='\($0.value)' " }.joined() }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
