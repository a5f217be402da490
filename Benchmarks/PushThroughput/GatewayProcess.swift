import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `countersign-phone gateway` as a separate process on free loopback ports.
final class GatewayProcess: Sendable {
    let folder: URL
    let port: Int
    let controlPort: Int
    nonisolated(unsafe) let process: Process

    var controlURL: URL { URL(string: "http://127.0.0.1:\(controlPort)")! }

    private init(folder: URL, port: Int, controlPort: Int, process: Process) {
        self.folder = folder
        self.port = port
        self.controlPort = controlPort
        self.process = process
    }

    static func start(folder: URL) async throws -> GatewayProcess {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("countersign-phone")
        let port = try freePort()
        let controlPort = try freePort()
        let log = folder.deletingLastPathComponent().appendingPathComponent("gateway.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "gateway", "--listen", "127.0.0.1:\(port)", "--control", "127.0.0.1:\(controlPort)", "--state", folder.path,
            "--exit-with-parent",
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("Gateway control") {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable.path])
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return GatewayProcess(folder: folder, port: port, controlPort: controlPort, process: process)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
