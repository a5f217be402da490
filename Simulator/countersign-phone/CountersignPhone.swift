import ArgumentParser
import CountersignCore
import CountersignPhoneKit
import Foundation

@main
struct CountersignPhone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countersign-phone",
        abstract: "A simulated authenticator phone app for Countersign.",
        discussion: """
            Each simulated phone keeps its accounts in ~/.countersign-phone/NAME (mode 0700, files 0600); \
            COUNTERSIGN_PHONE_HOME moves that parent folder. --phone picks the phone (default: 'default'). \
            A command that waits (sms, inbox --wait, answer, listen --timeout) and gets nothing exits with \
            status 3.
            """,
        version: CountersignVersion.current,
        subcommands: [
            Pair.self, Accounts.self, Listen.self, Approve.self, Deny.self, Code.self, Inbox.self, PushToken.self,
            Remove.self, SMS.self, Answer.self, Gateway.self,
        ])
}

struct PhoneOptions: ParsableArguments {
    @Option(help: "Which simulated phone to use.") var phone: String = "default"
    @Option(
        help:
            "The push gateway's control URL (default: $COUNTERSIGN_GATEWAY, else \(PushGatewayAPI.defaultControlURL)).")
    var gateway: String?
    @Option(
        help:
            "The CA certificates (PEM) that vouch for an https server, when a private CA signed its certificate (default: $COUNTERSIGN_CA_FILE, else the system's roots)."
    )
    var caFile: String?

    func state() throws -> PhoneState { try PhoneState(phone: phone) }
    func client() -> PhoneClient { PhoneClient(trust: .from(caFile: caFile)) }
    func gatewayClient() throws -> GatewayClient {
        GatewayClient(controlURL: try GatewayClient.controlURL(flag: gateway))
    }
}

extension DevicePlatform: ExpressibleByArgument {}

/// The exit status of a wait that ended with nothing, so a script can tell it from a mistake in the
/// command line (64) and from a refusal (1).
let nothingArrivedStatus: Int32 = 3

/// Says on stderr that a wait ended with nothing, and gives the exit status to throw.
func nothingArrived(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("countersign-phone: \(message)\n".utf8))
    return ExitCode(nothingArrivedStatus)
}

/// A command that cannot do what it was asked, for a reason other than its command line.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

struct Pair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pair with a server by redeeming a pairing URL.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "The URL 'countersign user pair' printed: countersign://pair?server=…&code=…") var url: String
    @Option(help: "apns, fcm or poll-only.") var platform: DevicePlatform = .pollOnly
    @Option(help: "The push token, for apns and fcm (default: one from the push gateway).") var pushToken: String?
    @Option(help: "A name for this phone, shown to the administrator.") var name: String?

    func run() async throws {
        let pairingURL = try PairingURL(parsing: url)
        let state = try options.state()
        var token = pushToken
        if token == nil, platform != .pollOnly {
            token = try await options.gatewayClient().register(platform: platform, phone: options.phone).token
        }
        let account = try await options.client().pair(
            pairingURL, platform: platform, pushToken: token, displayName: name ?? options.phone)
        let replaced = try state.saveReplacing(account)
        print("Paired \(account.label) (device \(account.deviceId))")
        for old in replaced {
            print("It replaces the account paired before with device \(old.deviceId)")
        }
    }
}

struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the accounts on this phone, and whether each server still accepts them.",
        discussion: """
            Each account's server is asked (a signed poll, as the app does when it opens). An account that a \
            re-activation ended is marked 'no longer accepted' and kept until it is removed; commands that \
            choose an account by themselves pass it by.
            """)
    @OptionGroup var options: PhoneOptions
    enum Format: String, ExpressibleByArgument { case table, json }
    @Option(help: "table or json.") var format: Format = .table
    @Flag(help: "Do not ask the servers; show only what the phone already knows.") var offline = false

    /// An account and what its server said: true accepted, false no longer, nil not reached.
    typealias Checked = (account: PhoneAccount, accepted: Bool?)

    func run() async throws {
        let state = try options.state()
        var checked: [Checked] = []
        for account in try state.accounts() {
            checked.append(try await check(account, in: state))
        }
        if format == .json {
            // Scripts get what identifies an account, never the secrets.
            let rows = checked.map { AccountRow(account: $0.account, accepted: $0.accepted) }
            let encoder = APIJSON.makeEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else if checked.isEmpty {
            print("No accounts. Pair one with 'countersign-phone pair URL'.")
        } else {
            for (account, accepted) in checked {
                let standing =
                    switch accepted {
                    case true: ""
                    case false: "  no longer accepted: remove it and pair again"
                    case nil: "  server not reached"
                    }
                print("\(account.label)  device \(account.deviceId)  activation \(account.activationId)\(standing)")
            }
        }
    }

    func check(_ account: PhoneAccount, in state: PhoneState) async throws -> Checked {
        if account.isInvalidated { return (account, false) }
        if offline { return (account, nil) }
        do {
            _ = try await options.client().pendingChallenges(for: account)
            return (account, true)
        } catch PhoneError.notActivated {
            return (try state.markInvalidated(account), false)
        } catch {
            return (account, nil)
        }
    }

    struct AccountRow: Encodable {
        var account: String
        var user: String
        var server: String
        var deviceId: String
        var activationId: String
        /// true, false, or null when the server was not asked or not reached.
        var accepted: Bool?
        var invalidatedAt: Date?

        init(account: PhoneAccount, accepted: Bool?) {
            self.account = account.label
            user = account.user
            server = account.server.absoluteString
            deviceId = account.deviceId
            activationId = account.activationId
            self.accepted = accepted
            invalidatedAt = account.invalidatedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(account, forKey: .account)
            try container.encode(user, forKey: .user)
            try container.encode(server, forKey: .server)
            try container.encode(deviceId, forKey: .deviceId)
            try container.encode(activationId, forKey: .activationId)
            // Written even when unknown, so a script can tell "not asked" from a missing field.
            try container.encode(accepted, forKey: .accepted)
            try container.encodeIfPresent(invalidatedAt, forKey: .invalidatedAt)
        }

        enum CodingKeys: String, CodingKey {
            case account, user, server, deviceId, activationId, accepted, invalidatedAt
        }
    }
}

struct Code: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the current offline code of an account.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "user@host:port, user name or device id; optional when the phone has one account.")
    var account: String?

    func run() async throws {
        let account = try options.state().account(named: account)
        let now = Date()
        let totp = try account.oath.makeTOTP()
        print("\(totp.code(at: now))  (\(account.label), \(totp.secondsRemaining(at: now)) s left)")
    }
}

struct PushToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push-token", abstract: "Give the server this phone's new push token (a signed request).")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "user@host:port, user name or device id.") var account: String
    @Argument(help: "The phone's new push token.") var token: String

    func run() async throws {
        let state = try options.state()
        let updated = try await options.client().updatePushToken(try state.account(named: account), to: token)
        try state.save(updated)
        print("Push token of \(updated.label) updated")
    }
}

struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove an account from this phone.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "user@host:port, user name or device id.") var account: String

    func run() async throws {
        let state = try options.state()
        let found = try state.account(named: account)
        try state.remove(found)
        print("Removed \(found.label) from this phone")
    }
}

struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the push notifications the gateway delivered to an account's token.")
    @OptionGroup var options: PhoneOptions
    @Argument(help: "user@host:port, user name or device id; optional when the phone has one account.")
    var account: String?
    @Option(help: "Only notifications after this sequence number.") var after: Int = 0
    @Option(help: "Seconds to wait for the first one (at most 60); nothing by then exits with status 3.")
    var wait: Int = 0

    func validate() throws {
        guard (0...60).contains(wait) else { throw ValidationError("--wait is 0 to 60 seconds") }
    }

    func run() async throws {
        let account = try options.state().account(named: account)
        guard let token = account.pushToken else {
            throw CommandFailure(
                description: "\(account.label) is poll-only: it has no push token and gets no notifications")
        }
        let deliveries = try await options.gatewayClient().inbox(token: token, after: after, wait: wait)
        if deliveries.isEmpty, wait > 0 { throw nothingArrived("no notification for \(account.label) in \(wait) s") }
        if deliveries.isEmpty { print("No notifications.") }
        for delivery in deliveries {
            print(
                "#\(delivery.sequence)  \(delivery.receivedAt.formatted(.iso8601))  \(delivery.id)  \(delivery.payload)"
            )
        }
    }
}
