import CountersignCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// In development mode the server starts the push gateway emulator (`countersign-phone gateway`) as
/// a child process (so the server never links the simulator) and points the local provider's push
/// credentials at it, trusting its CA.
public struct DevelopmentGateway {
    enum Failure: Error, CustomStringConvertible {
        case notFound(String)
        case didNotStart(String)

        var description: String {
            switch self {
            case .notFound(let path):
                "development mode needs countersign-phone next to countersign, but \(path) does not exist"
            case .didNotStart(let log): "the push gateway emulator did not start:\n\(log)"
            }
        }
    }

    let process: Process
    let settings: ProviderPushSettings
    let telephony: TelephonySettings

    /// `serverCA` is the CA of this server's own certificate, when development mode made one: the
    /// gateway trusts it when it posts a call's keys back.
    static func start(dataDirectory: URL, port: Int, controlPort: Int, serverCA: String? = nil) async throws
        -> DevelopmentGateway
    {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("countersign-phone")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure.notFound(executable.path)
        }
        let folder = dataDirectory.appendingPathComponent("gateway", isDirectory: true)
        let logURL = dataDirectory.appendingPathComponent("gateway.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let log = try FileHandle(forWritingTo: logURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "gateway", "--listen", "127.0.0.1:\(port)", "--control", "127.0.0.1:\(controlPort)", "--state", folder.path,
            "--exit-with-parent",
        ]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        // Calls' keys are posted back to this server: over development TLS, the gateway trusts its CA.
        var environment = ProcessInfo.processInfo.environment
        environment["COUNTERSIGN_CA_FILE"] = serverCA ?? environment["COUNTERSIGN_CA_FILE"]
        process.environment = environment
        try process.run()

        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if text.contains("Push services"), text.contains("Gateway control") { break }
            guard process.isRunning, ContinuousClock.now < deadline else {
                if process.isRunning { process.terminate() }
                throw Failure.didNotStart(text)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return DevelopmentGateway(
            process: process, settings: try settings(folder: folder, port: port),
            telephony: try telephonySettings(folder: folder, port: port))
    }

    /// Credentials pointing at the emulator, read from the files it wrote in its state folder.
    public static func settings(folder: URL, port: Int) throws -> ProviderPushSettings {
        struct APNsFile: Decodable {
            var keyId: String
            var teamId: String
            var topic: String
            var privateKeyPath: String
        }
        let ca = try String(contentsOf: folder.appendingPathComponent("ca.pem"), encoding: .utf8)
        let apns = try JSONDecoder().decode(
            APNsFile.self, from: Data(contentsOf: folder.appendingPathComponent("apns-credentials.json")))
        let baseURL = "https://127.0.0.1:\(port)"
        return ProviderPushSettings(
            apns: .init(
                baseURL: baseURL, keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic,
                privateKeyPEM: try String(contentsOfFile: apns.privateKeyPath, encoding: .utf8), trustRootsPEM: ca),
            fcm: .init(
                baseURL: baseURL,
                serviceAccountJSON: try String(
                    contentsOf: folder.appendingPathComponent("fcm-service-account.json"), encoding: .utf8),
                trustRootsPEM: ca))
    }

    /// The emulator's SMS and voice endpoint, with the bearer token it wrote to its state folder.
    public static func telephonySettings(folder: URL, port: Int) throws -> TelephonySettings {
        let token = try String(contentsOf: folder.appendingPathComponent("telephony-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let ca = try String(contentsOf: folder.appendingPathComponent("ca.pem"), encoding: .utf8)
        return TelephonySettings(gateways: [
            TelephonyGatewaySettings(
                url: "https://127.0.0.1:\(port)/telephony/v1/messages", authHeader: "Authorization: Bearer \(token)",
                trustRootsPEM: ca)
        ])
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
