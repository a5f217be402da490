import ArgumentParser
import CountersignCore
import CountersignPhoneKit
import Foundation

/// Finds a pending, genuine sign-in request among the phone's accounts.
struct ChallengeLookup {
    let options: PhoneOptions
    let account: String?

    func find(_ transactionId: String, client: PhoneClient) async throws -> (PhoneAccount, ChallengeDetails) {
        let state = try options.state()
        let accounts = try account.map { [try state.account(named: $0)] } ?? state.accountsToAsk()
        guard !accounts.isEmpty else { throw PhoneError.noAccounts }
        var staleOnly = true
        for current in accounts {
            let received: [ReceivedChallenge]
            do {
                received = try await client.pendingChallenges(for: current)
            } catch PhoneError.notActivated {
                // Remembered, so the next command that chooses an account passes this one by.
                try state.markInvalidated(current)
                continue
            }
            staleOnly = false
            for challenge in received {
                switch challenge {
                case .genuine(let details) where details.transactionId == transactionId:
                    return (current, details)
                case .notForThisAccount(let id) where id == transactionId:
                    throw PhoneError.notActivated
                default:
                    continue
                }
            }
        }
        throw staleOnly ? PhoneError.notActivated : PhoneError.noSuchChallenge(transactionId)
    }
}

extension PhoneState {
    /// The accounts a command looks through when none is named: those the server still accepts,
    /// or, when it accepts none, all of them (so the user is told why nothing works).
    func accountsToAsk() throws -> [PhoneAccount] {
        let all = try accounts()
        let accepted = all.filter { !$0.isInvalidated }
        return accepted.isEmpty ? all : accepted
    }
}

struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Approve one sign-in request.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "The transaction id.") var transaction: String
    @Option(help: "The number the sign-in screen shows (not asked when the application cannot show one).")
    var number: Int?
    @Option(help: "The account it is for (default: whichever holds it).") var account: String?

    func run() async throws {
        let client = options.client()
        let (found, details) = try await ChallengeLookup(options: options, account: account)
            .find(transaction, client: client)
        if details.asksForNumber != false, number == nil {
            throw ValidationError("this sign-in asks for the number the sign-in screen shows: add --number N")
        }
        let result = try await client.answer(transaction, for: found, decision: .approve, number: number)
        print("Answered approve: the sign-in is \(result.state.rawValue)" + (result.reason.map { " (\($0))" } ?? ""))
    }
}

struct Deny: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Deny one sign-in request, or report it as fraud.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "The transaction id.") var transaction: String
    @Flag(help: "Report it as fraud: it was not me. Push is blocked for the user for a while.") var fraud = false
    @Option(help: "The account it is for (default: whichever holds it).") var account: String?

    func run() async throws {
        let client = options.client()
        let (found, _) = try await ChallengeLookup(options: options, account: account).find(transaction, client: client)
        let decision: ChallengeDecision = fraud ? .fraud : .deny
        let result = try await client.answer(transaction, for: found, decision: decision, number: nil)
        print("Answered \(decision.rawValue): the sign-in is \(result.state.rawValue)")
    }
}
