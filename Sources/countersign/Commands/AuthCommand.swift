import ArgumentParser
import CountersignClient
import CountersignCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What an application does, from the command line: ask for a user's second factor and wait.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Ask for a user's second factor, print the number to type on the phone, and wait for the answer.",
        discussion: "Exits 0 when approved, 1 when denied, reported as fraud or timed out.")

    @OptionGroup var connection: ClientConnectionOptions
    @Argument(help: "The user signing in.") var user: String
    @Option(help: "push, totp (the code from the user's authenticator app), or auto (the user's default).")
    var method: AuthMethod = .auto
    @Option(help: "With a code method: the code (asked for when absent).") var code: String?
    @Option(help: "The application name shown on the phone.") var application: String = "countersign auth"
    @Option(help: "The address the sign-in comes from, shown on the phone.") var clientIP: String?
    @Option(help: "Seconds the user has to answer (default: the server's).") var timeout: Int?
    @Flag(help: "Print the transaction and the number, and return without waiting.") var noWait = false

    func run() async throws {
        let client = try connection.makeClient(timeout: 90)
        var request = AuthRequest(
            user: user, method: method, context: AuthContext(application: application, clientIP: clientIP),
            timeoutSeconds: timeout)
        if method.takesCode {
            guard let code = code ?? Self.ask("Code from \(user)'s authenticator app: ") else {
                throw ValidationError("a code is needed: pass --code")
            }
            request.code = code
        }
        var transaction = try await client.request("POST", "/v1/auth", body: request, as: AuthTransaction.self)
        // A code is decided at once; a push waits for the phone.
        if method.takesCode {
            try finish(transaction)
            return
        }
        print("Transaction: \(transaction.transactionId)")
        print("Number:      \(transaction.number.map(String.init) ?? "-")")
        guard !noWait else { return }
        print("Waiting for \(transaction.user) to answer on the phone (until \(transaction.deadline.shortText))...")
        while !transaction.state.isFinal {
            transaction = try await client.request(
                "GET", "/v1/auth/\(transaction.transactionId)?wait=60", as: AuthTransaction.self)
        }
        try finish(transaction)
    }

    func finish(_ transaction: AuthTransaction) throws {
        print("Result:      \(transaction.state.rawValue)\(transaction.reason.map { " (\($0))" } ?? "")")
        if transaction.state != .approved { Glibc.exit(1) }
    }

    static func ask(_ prompt: String) -> String? {
        print(prompt, terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}

extension AuthMethod: ExpressibleByArgument {}
