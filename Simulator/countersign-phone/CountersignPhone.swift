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
            Each simulated phone keeps its accounts in ~/.countersign-phone/NAME (mode 0700, files 0600);
            COUNTERSIGN_PHONE_HOME moves that parent folder. --phone picks the phone (default: 'default').
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
        try state.save(account)
        print("Paired \(account.label) (device \(account.deviceId))")
    }
}

struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the accounts on this phone.")
    @OptionGroup var options: PhoneOptions
    enum Format: String, ExpressibleByArgument { case table, json }
    @Option(help: "table or json.") var format: Format = .table

    func run() async throws {
        let accounts = try options.state().accounts()
        if format == .json {
            // Scripts get what identifies an account, never the secrets.
            let rows = accounts.map {
                [
                    "account": $0.label, "user": $0.user, "server": $0.server.absoluteString, "deviceId": $0.deviceId,
                    "activationId": $0.activationId,
                ]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else if accounts.isEmpty {
            print("No accounts. Pair one with 'countersign-phone pair URL'.")
        } else {
            for account in accounts {
                print("\(account.label)  device \(account.deviceId)  activation \(account.activationId)")
            }
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
    @Argument var account: String
    @Argument var token: String

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
    @Argument var account: String

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
    @Option(help: "Seconds to wait for the first one.") var wait: Int = 0

    func run() async throws {
        let account = try options.state().account(named: account)
        guard let token = account.pushToken else {
            throw ValidationError("\(account.label) is poll-only: it has no push token and gets no notifications")
        }
        let deliveries = try await options.gatewayClient().inbox(token: token, after: after, wait: wait)
        if deliveries.isEmpty { print("No notifications.") }
        for delivery in deliveries {
            print(
                "#\(delivery.sequence)  \(delivery.receivedAt.formatted(.iso8601))  \(delivery.id)  \(delivery.payload)"
            )
        }
    }
}
