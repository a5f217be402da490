import Foundation

/// FreeRADIUS's `radclient`, a real RADIUS client: one request per run, its reply read from what
/// `-x` prints.
struct Radclient {
    let port: Int
    let secret: String
    let folder: URL

    struct Reply {
        /// "Access-Accept", "Access-Reject", "Access-Challenge", or nil when nothing came back.
        let code: String?
        let replyMessage: String?
        /// The State to send back, as radclient prints it (0x...).
        let state: String?
        let attributes: [String: String]
        let output: String
    }

    /// `attributes` as radclient reads them (`User-Name = "ann"`); a Message-Authenticator is added
    /// unless `messageAuthenticator` is false.
    func start(
        _ attributes: [String], messageAuthenticator: Bool = true, timeout: Int = 20, retries: Int = 1
    ) throws -> Executables.Running {
        let file = folder.appendingPathComponent("radclient-\(UUID().uuidString).txt")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let lines = attributes + (messageAuthenticator ? ["Message-Authenticator = 0x00"] : [])
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        return try Executables.start(
            "/usr/bin/radclient",
            ["-x", "-r", String(retries), "-t", String(timeout), "-f", file.path, "127.0.0.1:\(port)", "auth", secret])
    }

    func send(_ attributes: [String], messageAuthenticator: Bool = true, timeout: Int = 20, retries: Int = 1) throws
        -> Reply
    {
        let running = try start(
            attributes, messageAuthenticator: messageAuthenticator, timeout: timeout, retries: retries)
        running.process.waitUntilExit()
        return Self.reply(try running.result())
    }

    static func reply(_ result: Executables.Result) -> Reply {
        let text = result.output + result.errors
        var code: String?
        var attributes: [String: String] = [:]
        var inReply = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Received ") {
                code = line.split(separator: " ").dropFirst().first.map(String.init)
                inReply = true
                continue
            }
            if line.hasPrefix("Sent ") { inReply = false }
            guard inReply, let equals = line.range(of: " = ") else { continue }
            let name = line[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
            var value = line[equals.upperBound...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            attributes[name] = value
        }
        return Reply(
            code: code, replyMessage: attributes["Reply-Message"], state: attributes["State"], attributes: attributes,
            output: text)
    }
}
