import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `countersign-phone gateway` as a separate process, on ports the system chooses (it prints them).
public final class GatewayProcess: Sendable {
    public let folder: URL
    public let port: Int
    public let controlPort: Int
    let process: Process

    public var controlURL: URL { URL(string: "http://127.0.0.1:\(controlPort)")! }
    public var pid: Int32 { process.processIdentifier }

    private init(folder: URL, port: Int, controlPort: Int, process: Process) {
        self.folder = folder
        self.port = port
        self.controlPort = controlPort
        self.process = process
    }

    public static func start(folder: URL) async throws -> GatewayProcess {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("countersign-phone")
        let log = folder.deletingLastPathComponent().appendingPathComponent("gateway.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "gateway", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--state", folder.path,
            "--exit-with-parent",
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let port = boundPort(in: text, after: "on https://127.0.0.1:"),
                let controlPort = boundPort(in: text, after: "Gateway control on http://127.0.0.1:")
            {
                return GatewayProcess(folder: folder, port: port, controlPort: controlPort, process: process)
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable.path])
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The port printed after `marker` in the gateway's log.
    static func boundPort(in log: String, after marker: String) -> Int? {
        guard let range = log.range(of: marker) else { return nil }
        return Int(log[range.upperBound...].prefix(while: \.isNumber))
    }
}
