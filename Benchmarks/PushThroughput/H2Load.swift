import BenchmarkSupport
import CountersignPush
import Foundation

/// Runs h2load (Debian's nghttp2-client) against the emulator's APNs endpoint with a valid
/// provider token, to measure what the emulator alone can take.
enum H2Load {
    struct Result {
        let rate: Double
        let succeeded: Int
    }

    static func measure(gateway: GatewayProcess, requests: Int) async throws -> Result {
        struct Credentials: Decodable {
            var keyId: String
            var teamId: String
            var topic: String
            var privateKeyPath: String
        }
        let credentials = try JSONDecoder().decode(
            Credentials.self, from: Data(contentsOf: gateway.folder.appendingPathComponent("apns-credentials.json")))
        let tokens = try APNsProviderTokens(
            privateKeyPEM: String(contentsOfFile: credentials.privateKeyPath, encoding: .utf8),
            keyId: credentials.keyId,
            teamId: credentials.teamId)
        let jwt = try await tokens.token()
        let device = try await JSONHTTPClientShim.registerDevice(gateway.controlURL)
        let payload = gateway.folder.appendingPathComponent("payload.json")
        try Data(#"{"aps":{"content-available":1},"countersign":{"tx":"h2load"}}"#.utf8).write(to: payload)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/h2load")
        process.arguments = [
            "-n", String(requests), "-c", "4", "-m", "32", "-d", payload.path,
            "-H", "authorization: bearer \(jwt)", "-H", "apns-topic: \(credentials.topic)",
            "-H", "apns-push-type: alert", "-H", "apns-priority: 10", "-H", "apns-expiration: 0",
            "https://127.0.0.1:\(gateway.port)/3/device/\(device)",
        ]
        let output = gateway.folder.appendingPathComponent("h2load.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOf: output, encoding: .utf8)
        // "finished in 1.23s, 16260.16 req/s, …" and "status codes: 20000 2xx, …"
        let rate =
            text.split(separator: "\n").first { $0.hasPrefix("finished in") }
            .flatMap { $0.split(separator: ",").dropFirst().first }
            .flatMap { Double($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") } ?? 0
        let succeeded =
            text.split(separator: "\n").first { $0.hasPrefix("status codes:") }
            .flatMap { $0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces).split(separator: " ").first }
            .flatMap { Int($0) } ?? 0
        if rate == 0 { print(text) }
        return Result(rate: rate, succeeded: succeeded)
    }
}
