import CountersignClient
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the package's real executables as separate processes.
enum Executables {
    /// Where `swift build` put the products: next to this test binary, or COUNTERSIGN_BIN_DIR.
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["COUNTERSIGN_BIN_DIR"] {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        // On Linux the test binary sits in the products folder; on Darwin inside a bundle below it.
        for _ in 0..<4
        where !FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("countersign").path) {
            candidate.deleteLastPathComponent()
        }
        return candidate
    }()

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs a command to completion and captures what it prints.
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let running = try start(name, arguments, environment: environment)
        running.process.waitUntilExit()
        return try running.result()
    }

    /// A command started with its output going to files, to read while it runs.
    final class Running: @unchecked Sendable {
        let process: Process
        let folder: URL
        var outputURL: URL { folder.appendingPathComponent("out") }
        var errorURL: URL { folder.appendingPathComponent("err") }
        var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

        init(process: Process, folder: URL) {
            self.process = process
            self.folder = folder
        }

        /// Waits until what it has printed so far contains `text`; false if `timeout` passes first.
        func waitForOutput(containing text: String, timeout: Duration) async throws -> Bool {
            await watchOutput(containing: text, timeout: timeout).seen
        }

        /// True when `text` appeared while the command was still running: a command that prints as it
        /// goes, rather than all at exit.
        func waitForOutputWhileRunning(containing text: String, timeout: Duration) async -> Bool {
            let watched = await watchOutput(containing: text, timeout: timeout)
            return watched.seen && watched.wasRunning
        }

        /// Polls on a thread of its own, not the test pool's: with the pool's two threads held by
        /// other tests' blocking waits, a poll there can come too late to see a command still running.
        private func watchOutput(containing text: String, timeout: Duration) async -> (seen: Bool, wasRunning: Bool) {
            await withCheckedContinuation { continuation in
                let watcher = Thread {
                    let deadline = ContinuousClock.now + timeout
                    while ContinuousClock.now < deadline {
                        // Output first, then the process: text seen and a process still running
                        // after it means the text came before the exit.
                        if self.output.contains(text) {
                            continuation.resume(returning: (true, self.process.isRunning))
                            return
                        }
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                    continuation.resume(returning: (self.output.contains(text), self.process.isRunning))
                }
                watcher.start()
            }
        }

        func result() throws -> Result {
            Result(
                status: process.terminationStatus, output: try String(contentsOf: outputURL, encoding: .utf8),
                errors: try String(contentsOf: errorURL, encoding: .utf8))
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL =
            name.hasPrefix("/") ? URL(fileURLWithPath: name) : directory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Files rather than pipes: nothing can block on a full pipe buffer.
        let outputURL = folder.appendingPathComponent("out")
        let errorURL = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, folder: folder)
    }

    /// A loopback port nobody listens on right now (TCP, or UDP with `udp`).
    static func freePort(udp: Bool = false) throws -> Int {
        let descriptor = socket(AF_INET, Int32((udp ? SOCK_DGRAM : SOCK_STREAM).rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A `countersign server` process on a loopback port, with its output in a file.
final class ServerProcess {
    let process = Process()
    let port: Int
    let dataDirectory: URL
    let logURL: URL

    /// https when the server said it listens on https (development mode's own TLS, or --tls-cert).
    var url: String { (log.contains("is listening on https://") ? "https" : "http") + "://127.0.0.1:\(port)" }
    /// What a client in this test process trusts to reach the server.
    var trust: ServerTrust { .from(caFile: caFile) }

    /// Development mode's CA, which clients of this server must trust; nil without one.
    var caFile: String? { Self.developmentCA(in: dataDirectory) }

    /// Where development mode keeps its CA in a data folder, once it has made it.
    static func developmentCA(in dataDirectory: URL) -> String? {
        let path = dataDirectory.appendingPathComponent("tls/ca.pem").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// `extraArguments` defaults to development mode with the gateway emulator on free ports, so tests
    /// never collide with each other or with a developer's running server.
    init(
        dataDirectory: URL, port: Int? = nil, extraArguments: [String]? = nil, environment: [String: String] = [:]
    ) throws {
        let extraArguments =
            try extraArguments ?? [
                "--dev", "--gateway-port", String(Executables.freePort()), "--gateway-control-port",
                String(Executables.freePort()),
            ]
        self.port = try port ?? Executables.freePort()
        self.dataDirectory = dataDirectory
        self.logURL = dataDirectory.deletingLastPathComponent()
            .appendingPathComponent("server-\(UUID().uuidString).log")
        try FileManager.default.createDirectory(
            at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = Executables.directory.appendingPathComponent("countersign")
        process.arguments =
            ["server", "--data", dataDirectory.path, "--listen", "127.0.0.1:\(self.port)", "--name", "e2e"]
            + extraArguments
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        // A database URL in the developer's shell must not move every test server to PostgreSQL.
        var inherited = ProcessInfo.processInfo.environment
        inherited["COUNTERSIGN_DATABASE_URL"] = nil
        process.environment = inherited.merging(environment) { $1 }
        try process.run()
    }

    /// Waits until the server says it listens, or fails with its log.
    func waitUntilListening(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.contains("Countersign is listening") { return }
            guard process.isRunning else { throw ServerFailure(message: "server exited early:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerFailure(message: "server did not start in time:\n\(log)")
    }

    /// Sends SIGTERM and waits for a graceful exit; returns the exit status.
    func terminate(timeout: Duration = .seconds(20)) async throws -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw ServerFailure(message: "server ignored SIGTERM:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Kills the server at once (SIGKILL), as a crash or a pulled plug would.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct ServerFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension Process {
    /// Waits for the process to end on a thread of its own. A test that waits for a command of
    /// many seconds with `waitUntilExit` holds one of the test pool's two threads all along, and
    /// with both held every other test's tasks (and their timers) stall.
    func exited() async {
        nonisolated(unsafe) let process = self
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                process.waitUntilExit()
                continuation.resume()
            }.start()
        }
    }
}
