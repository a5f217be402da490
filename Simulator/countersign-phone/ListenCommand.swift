import ArgumentParser
import CountersignCore
import CountersignPhoneKit
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension ChallengeDecision: ExpressibleByArgument {}

/// `countersign-phone listen`: the app in the foreground, waiting for sign-in requests.
struct Listen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for sign-in requests and answer them, in the terminal or by themselves.",
        discussion: """
            Each request is checked against the server key pinned at pairing and shown with its application, \
            client address, user and time left. You type the number the sign-in screen shows, then approve, \
            deny or report fraud. Push accounts are woken by the gateway; every account also polls the server \
            (signed), which is all a poll-only account does.
            """)

    @OptionGroup var options: PhoneOptions
    @Argument(help: "Only this account (user@host:port, user name or device id); default: all of them.")
    var account: String?
    @Option(help: "Answer by itself: approve, deny or fraud.") var auto: ChallengeDecision?
    @Option(help: "With --auto approve: the number to type (not needed when the sign-in asks for none).")
    var number: Int?
    @Flag(help: "Return after the first request.") var once = false
    @Option(help: "Give up after this many seconds without a request (exit status 3).") var timeout: Int?

    func run() async throws {
        let state = try options.state()
        var accounts = try account.map { [try state.account(named: $0)] } ?? state.accountsToAsk()
        guard !accounts.isEmpty else { throw PhoneError.noAccounts }
        let client = options.client()
        var wake = await PushWake.start(accounts: accounts, gateway: try? options.gatewayClient())
        var seen: Set<String> = []
        let giveUpAt = timeout.map { Date().addingTimeInterval(TimeInterval($0)) }
        print("Listening for sign-in requests to \(accounts.map(\.label).joined(separator: ", "))...")
        flushOutput()

        while true {
            for current in accounts {
                let received: [ReceivedChallenge]
                do {
                    received = try await client.pendingChallenges(for: current)
                } catch PhoneError.notActivated {
                    try state.markInvalidated(current)
                    print("\(current.label): \(PhoneError.notActivated)")
                    accounts.removeAll { $0.deviceId == current.deviceId }
                    continue
                }
                for challenge in received {
                    switch challenge {
                    case .notForThisAccount(let id):
                        guard seen.insert(id ?? "unsigned").inserted else { continue }
                        print("\(current.label): \(PhoneError.notActivated)")
                    case .genuine(let details):
                        guard seen.insert(details.transactionId).inserted else { continue }
                        try await handle(details, account: current, client: client)
                        if once { return }
                    }
                }
            }
            guard !accounts.isEmpty else { throw ExitCode.failure }
            if let giveUpAt, Date() >= giveUpAt {
                throw nothingArrived("no sign-in request arrived in \(timeout ?? 0) s")
            }
            let woken = await wake.wait(accounts: accounts)
            for stale in woken.stale where seen.insert(stale).inserted {
                print("Push \(stale): \(PhoneError.notActivated)")
            }
            // Challenges sealed in the pushes need no fetch: shown at once, checked like fetched ones.
            for (account, received) in woken.sealed {
                switch received {
                case .notForThisAccount(let id):
                    guard seen.insert(id ?? "unsigned").inserted else { continue }
                    print("\(account.label): \(PhoneError.notActivated)")
                case .genuine(let details):
                    guard seen.insert(details.transactionId).inserted, details.deadline > Date() else { continue }
                    try await handle(details, account: account, client: client)
                    if once { return }
                }
            }
        }
    }

    func handle(_ details: ChallengeDetails, account: PhoneAccount, client: PhoneClient) async throws {
        print(Self.describe(details, account: account, now: Date()))
        let decision: ChallengeDecision
        var typed = number
        if let auto {
            // Without --number only the sign-ins that ask for none can be approved.
            if auto == .approve, number == nil, details.asksForNumber != false {
                throw ValidationError("--auto approve needs --number: this sign-in asks for the number on its screen")
            }
            decision = auto
        } else if details.asksForNumber == false {
            print("No number to type: the application cannot show one.")
            decision = Self.promptDecision()
        } else {
            typed = Self.prompt("Type the number shown on the sign-in screen: ").flatMap { Int($0) }
            decision = Self.promptDecision()
        }
        do {
            let result = try await client.answer(
                details.transactionId, for: account, decision: decision, number: decision == .approve ? typed : nil)
            print(
                "Answered \(decision.rawValue): the sign-in is \(result.state.rawValue)"
                    + (result.reason.map { " (\($0))" } ?? ""))
        } catch {
            print("Could not answer: \(error)")
        }
        flushOutput()
    }

    static func describe(_ details: ChallengeDetails, account: PhoneAccount, now: Date) -> String {
        let left = max(0, Int(details.deadline.timeIntervalSince(now).rounded(.down)))
        var from = details.clientIP ?? "unknown address"
        if let location = details.location { from += " (\(location))" }
        return """
            Sign-in request \(details.transactionId) for \(account.label)
              Application: \(details.application ?? "unnamed")
              From:        \(from)
              User:        \(details.user)
              Time left:   \(left) s
            """
    }

    static func prompt(_ text: String) -> String? {
        print(text, terminator: "")
        flushOutput()
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }

    static func promptDecision() -> ChallengeDecision {
        while true {
            switch prompt("Approve or deny? [a]pprove, [d]eny, [f]raud: ")?.lowercased() {
            case "a", "approve": return .approve
            case "d", "deny": return .deny
            case "f", "fraud": return .fraud
            // End of input: the safe answer.
            case nil: return .deny
            default: print("Type a, d or f.")
            }
        }
    }
}

/// Prompts and results reach a terminal or a pipe as they happen (nil flushes every output stream).
func flushOutput() { fflush(nil) }

/// Sleeps between polls, woken early by a push to one of the accounts' tokens.
struct PushWake {
    let gateway: GatewayClient?
    let token: String?
    private var lastSequence = 0

    /// Starts after the notifications already in the inbox: only new ones wake the phone.
    static func start(accounts: [PhoneAccount], gateway: GatewayClient?) async -> PushWake {
        var wake = PushWake(gateway: gateway, token: accounts.compactMap(\.pushToken).first)
        if let gateway, let token = wake.token,
            let existing = try? await gateway.inbox(token: token, after: 0, wait: 0)
        {
            wake.lastSequence = existing.map(\.sequence).max() ?? 0
        }
        return wake
    }

    private init(gateway: GatewayClient?, token: String?) {
        self.gateway = gateway
        self.token = token
    }

    /// What the pushes that arrived while waiting said.
    struct Woken {
        /// Transaction ids of pushes naming an activation none of the accounts belongs to.
        var stale: [String] = []
        /// Challenges sealed in pushes for one of the accounts, opened and checked.
        var sealed: [(PhoneAccount, ReceivedChallenge)] = []
    }

    mutating func wait(accounts: [PhoneAccount]) async -> Woken {
        guard let gateway, let token,
            let deliveries = try? await gateway.inbox(token: token, after: lastSequence, wait: 1)
        else {
            try? await Task.sleep(for: .seconds(1))
            return Woken()
        }
        lastSequence = deliveries.map(\.sequence).max() ?? lastSequence
        var woken = Woken()
        for push in deliveries.compactMap({ ChallengePushData(notificationPayload: $0.payload) }) {
            guard let account = accounts.first(where: { $0.owns(push) }) else {
                woken.stale.append(push.transactionId)
                continue
            }
            if let received = account.openSealedChallenge(in: push) { woken.sealed.append((account, received)) }
        }
        return woken
    }
}
