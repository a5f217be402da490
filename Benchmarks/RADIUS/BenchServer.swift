import BenchmarkSupport
import Foundation

/// The real `countersign server` with `--radius`, in its own process, on the seeded data folder.
final class BenchServer: Sendable {
    let process: Process
    let url: String
    let radiusPort: Int
    var pid: Int32 { process.processIdentifier }

    private init(process: Process, url: String, radiusPort: Int) {
        self.process = process
        self.url = url
        self.radiusPort = radiusPort
    }

    static func start(data: URL, masterKey: [UInt8], folder: URL) async throws -> BenchServer {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("countersign")
        let log = folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        let httpPort = try LoopbackPort.free()
        let radiusPort = try LoopbackPort.free(udp: true)
        process.arguments = [
            "server", "--data", data.path, "--listen", "127.0.0.1:\(httpPort)", "--radius", "127.0.0.1:\(radiusPort)",
            "--name", "bench",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "COUNTERSIGN_MASTER_KEY": Data(masterKey).base64EncodedString()
        ]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("Countersign is listening"), text.contains("RADIUS is listening") {
                return BenchServer(process: process, url: "http://127.0.0.1:\(httpPort)", radiusPort: radiusPort)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw BenchFailure(
            "countersign server did not start; see \(log.path) (swift build -c release --product countersign)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
