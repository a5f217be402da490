import Foundation
import Testing

/// Guessing one-time codes through the command line against a real server: the guesser is slowed
/// down, the user is not, and only `--lockout-after` wrong codes from all sources lock the user.
@Suite("Guessing codes end to end: the source waits, the lock comes only at --lockout-after")
struct CodeGuessingEndToEndTests {
    @Test(
        "a client guessing from one address waits after 5 wrong codes while the user signs in from theirs; --lockout-after 8 wrong codes from any addresses lock the user"
    )
    func guessing() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let server = try await workspace.startServer(extraArguments: ["--lockout-after", "8"])
        let created = try workspace.admin(server, ["client", "create", "vpn"])
        let apiKey = try #require(created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
        _ = try workspace.pairPhone(server, user: "alice", platform: "poll-only")
        func rightCode() throws -> String {
            let shown = try workspace.phone(["code", "--phone", "alice"])
            return try #require(shown.output.split(separator: " ").first.map(String.init), "\(shown.errors)")
        }
        func attempt(_ code: String, from address: String) throws -> Executables.Result {
            try workspace.admin(
                server, ["auth", "alice", "--method", "totp", "--code", code, "--client-ip", address],
                environment: ["COUNTERSIGN_API_KEY": apiKey])
        }
        let right = try rightCode()
        let wrong = right == "000000" ? "111111" : "000000"

        for _ in 0..<5 {
            let denied = try attempt(wrong, from: "203.0.113.66")
            #expect(
                denied.status == 1 && denied.output.contains("Result:      denied"), "\(denied.output)\(denied.errors)")
        }
        let slowed = try attempt(right, from: "203.0.113.66")
        #expect(slowed.status != 0)
        #expect(
            slowed.errors.contains("too many wrong codes for this user from this client and address"),
            "\(slowed.errors)")
        let own = try attempt(right, from: "192.0.2.10")
        #expect(own.status == 0 && own.output.contains("Result:      approved"), "\(own.output)\(own.errors)")

        // Eight wrong codes in a row, each from an address of its own: the user's code methods lock.
        for index in 1...8 { _ = try attempt(wrong, from: "198.51.100.\(index)") }
        let locked = try attempt(try rightCode(), from: "192.0.2.10")
        #expect(locked.status != 0 && locked.errors.contains("locked until"), "\(locked.output)\(locked.errors)")
        #expect(try workspace.admin(server, ["user", "unlock", "alice"]).status == 0)
        #expect(try await server.terminate() == 0)
    }
}
