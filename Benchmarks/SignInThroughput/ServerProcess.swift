import BenchmarkSupport
import Foundation

/// The real `countersign server` as its own process, on a data folder the benchmark seeded, so that
/// the server's CPU can be counted apart from the load's (`--server-process`).
final class ServerProcess: Sendable {
    let url: String
    let process: Process
    let log: URL
    var pid: Int32 { process.processIdentifier }

    private init(url: String, process: Process, log: URL) {
        self.url = url
        self.process = process
        self.log = log
    }

    /// Starts the server on a free loopback port and waits until /health answers.
    /// With `database`, the node joins that PostgreSQL database as `node`.
    static func start(data: URL, masterKey: [UInt8], http: BenchHTTP, database: String? = nil, node: String = "bench")
        async throws -> ServerProcess
    {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("countersign")
        let port = try LoopbackPort.free()
        let log = data.deletingLastPathComponent().appendingPathComponent("server-\(node).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments =
            ["server", "--data", data.path, "--listen", "127.0.0.1:\(port)", "--name", "bench", "--node-name", node]
            + (database.map { ["--database", $0] } ?? [])
        process.environment = ProcessInfo.processInfo.environment.merging([
            "COUNTERSIGN_MASTER_KEY": Data(masterKey).base64EncodedString()
        ]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let server = ServerProcess(url: "http://127.0.0.1:\(port)", process: process, log: log)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if (try? await http.status(.GET, server.url + "/health")) == 200 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw BenchFailure(
            "countersign server did not start; see \(log.path) (build it with swift build -c release --product countersign)"
        )
    }

    /// Stops the server; the errors it logged, if any, are printed first (its folder goes with the run).
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.contains(" error ") || line.contains("unexpected") {
            print("server: \(line.prefix(600))")
        }
    }
}
