import ArgumentParser
import CountersignClient
import CountersignCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What an application does, from the command line: ask for a user's second factor and wait; or,
/// for a sign-in started elsewhere (`--no-wait`, or by a script), look at it, wait for it, or give it
/// the code the user received.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Ask for a user's second factor and wait for the answer; or follow a sign-in started elsewhere.",
        discussion: """
            'countersign auth USER' starts a sign-in (the same as 'countersign auth start USER'; use that form \
            for a user named status, wait, verify or start). The commands that wait exit 0 when the sign-in is \
            approved and 1 when it is denied, reported as fraud, timed out or failed.
            """,
        subcommands: [AuthStart.self, AuthStatus.self, AuthWait.self, AuthVerify.self],
        defaultSubcommand: AuthStart.self)
}

/// Starts a sign-in, prints the transaction and the number to type on the phone, and waits.
struct AuthStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Ask for a user's second factor, print the number to type on the phone, and wait for the answer.",
        discussion: "Exits 0 when approved, 1 when denied, reported as fraud or timed out.")

    @OptionGroup var connection: ClientConnectionOptions
    @Argument(help: "The user signing in.") var user: String
    @Option(
        help:
            "push, totp (a code from the user's authenticator app or hardware token), sms, voice, app_password, or auto (the user's default)."
    )
    var method: AuthMethod = .auto
    @Option(help: "With totp, sms or app_password: the code or password (asked for when absent).") var code: String?
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
            let prompt =
                method == .appPassword ? "\(user)'s app password: " : "Code from \(user)'s authenticator app or token: "
            guard let code = code ?? Self.ask(prompt) else { throw ValidationError("a code is needed: pass --code") }
            request.code = code
        }
        var transaction = try await client.request("POST", "/v1/auth", body: request, as: AuthTransaction.self)
        print("Transaction: \(transaction.transactionId)")
        // A code is decided at once; a text waits for the code it carries; push and voice wait for the user.
        // With method auto the server picks (push, or SMS when no app is paired): follow what it chose.
        switch transaction.method {
        case let chosen where chosen.takesCode:
            AuthOutcome.finish(transaction)
            return
        case .sms:
            print(
                "A code was texted to \(transaction.user)'s phone; it is valid until \(transaction.deadline.shortText)."
            )
            guard !noWait else { return }
            guard let code = code ?? Self.ask("Code from the text message: ") else {
                throw ValidationError("a code is needed: pass --code")
            }
            transaction = try await client.request(
                "POST", "/v1/auth/\(transaction.transactionId)/verify", body: VerifyCodeRequest(code: code),
                as: AuthTransaction.self)
            AuthOutcome.finish(transaction)
            return
        case .voice:
            print("Calling \(transaction.user)'s phone: they press # to approve.")
        default:
            print("Number:      \(transaction.number.map(String.init) ?? "-")")
        }
        guard !noWait else { return }
        print("Waiting for \(transaction.user) to answer (until \(transaction.deadline.shortText))...")
        while !transaction.state.isFinal {
            transaction = try await client.request(
                "GET", "/v1/auth/\(transaction.transactionId)?wait=60", as: AuthTransaction.self)
        }
        AuthOutcome.finish(transaction)
    }

    static func ask(_ prompt: String) -> String? {
        print(prompt, terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}

extension AuthMethod: ExpressibleByArgument {}

/// How the commands that wait end: the result printed, and exit 0 only when approved.
enum AuthOutcome {
    static func finish(_ transaction: AuthTransaction) {
        print("Result:      \(transaction.state.rawValue)\(transaction.reason.map { " (\($0))" } ?? "")")
        if transaction.state != .approved { Glibc.exit(1) }
    }

    static func path(_ transactionId: String) -> String { "/v1/auth/\(transactionId.pathSegment)" }
}

/// A sign-in's state as it stands, without waiting.
struct AuthStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a sign-in this client started: its state, method and deadline.")
    @OptionGroup var connection: ClientConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The transaction id 'countersign auth' printed.") var transaction: String

    func run() async throws {
        let found = try await connection.makeClient().request(
            "GET", AuthOutcome.path(transaction), as: AuthTransaction.self)
        try output.print(found) { found in
            var lines = [
                "Transaction: \(found.transactionId)", "User:        \(found.user)",
                "Method:      \(found.method.rawValue)",
                "State:       \(found.state.rawValue)\(found.reason.map { " (\($0))" } ?? "")",
                "Started:     \(found.createdAt.shortText)", "Deadline:    \(found.deadline.shortText)",
            ]
            if let number = found.number, found.state == .pending { lines.append("Number:      \(number)") }
            if let answered = found.answeredAt { lines.append("Answered:    \(answered.shortText)") }
            return lines.joined(separator: "\n")
        }
    }
}

/// Waits for a sign-in started elsewhere to end.
struct AuthWait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a sign-in this client started (with --no-wait, or elsewhere) to end, and print how.",
        discussion: "Exits 0 when approved, 1 when denied, reported as fraud, timed out or failed.")
    @OptionGroup var connection: ClientConnectionOptions
    @Argument(help: "The transaction id 'countersign auth --no-wait' printed.") var transaction: String

    func run() async throws {
        let client = try connection.makeClient(timeout: 90)
        var found = try await client.request("GET", AuthOutcome.path(transaction), as: AuthTransaction.self)
        while !found.state.isFinal {
            found = try await client.request(
                "GET", AuthOutcome.path(transaction) + "?wait=60", as: AuthTransaction.self)
        }
        AuthOutcome.finish(found)
    }
}

/// Gives a texted code (or a one-time code) to a sign-in started elsewhere.
struct AuthVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the code texted for a sign-in this client started (with --no-wait, or elsewhere).",
        discussion: "Exits 0 when approved, 1 otherwise.")
    @OptionGroup var connection: ClientConnectionOptions
    @Argument(help: "The transaction id 'countersign auth --no-wait' printed.") var transaction: String
    @Option(help: "The code from the text message (asked for when absent).") var code: String?

    func run() async throws {
        guard let code = code ?? AuthStart.ask("Code from the text message: "), !code.isEmpty else {
            throw ValidationError("a code is needed: pass --code")
        }
        let checked = try await connection.makeClient().request(
            "POST", AuthOutcome.path(transaction) + "/verify", body: VerifyCodeRequest(code: code),
            as: AuthTransaction.self)
        AuthOutcome.finish(checked)
    }
}
