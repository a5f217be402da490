import ArgumentParser
import CountersignCore
import CountersignPhoneKit
import Foundation

/// The phone's number: the flag (remembered for next time), else the one remembered.
struct PhoneNumberOptions: ParsableArguments {
    @Option(help: "This phone's number in E.164 form (remembered once given).") var number: String?

    func resolve(_ state: PhoneState) throws -> String {
        if let number {
            let valid = try Validation.phoneNumber(number)
            try state.savePhoneNumber(valid)
            return valid
        }
        guard let saved = state.phoneNumber() else {
            throw ValidationError("give this phone's number once with --number, e.g. --number +14155550100")
        }
        return saved
    }
}

struct SMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sms", abstract: "Show the text messages this phone received (each once).")
    @OptionGroup var options: PhoneOptions
    @OptionGroup var phoneNumber: PhoneNumberOptions
    @Option(help: "Seconds to wait for a new text (at most 60); none by then exits with status 3.")
    var wait: Int = 30

    func validate() throws {
        guard (0...60).contains(wait) else { throw ValidationError("--wait is 0 to 60 seconds") }
    }
    @Flag(help: "Print only the code in the newest text (for scripts).") var codeOnly = false

    func run() async throws {
        let state = try options.state()
        let number = try phoneNumber.resolve(state)
        let messages = try await options.gatewayClient().phoneMessages(
            number: number, after: state.lastMessageSequence(), wait: wait
        ).filter { $0.kind == "sms" }
        guard let newest = messages.last else { throw nothingArrived("no new text message for \(number) in \(wait) s") }
        try state.saveLastMessageSequence(newest.sequence)
        if codeOnly {
            guard let code = Self.code(in: newest.text) else {
                throw CommandFailure(description: "the newest text has no code: \(newest.text)")
            }
            print(code)
            return
        }
        for message in messages {
            print("From \(message.from) at \(message.receivedAt.formatted(.iso8601)): \(message.text)")
        }
    }

    /// The first run of six digits.
    static func code(in text: String) -> String? {
        text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
    }
}

struct Answer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for a call to this phone, listen to it, and press keys (# approves, 0# reports fraud).")
    @OptionGroup var options: PhoneOptions
    @OptionGroup var phoneNumber: PhoneNumberOptions
    @Option(help: "The keys to press.") var press: String = "#"
    @Option(help: "Seconds to wait for the call; none by then exits with status 3.") var wait: Int = 30

    func run() async throws {
        let state = try options.state()
        let number = try phoneNumber.resolve(state)
        let gateway = try options.gatewayClient()
        let deadline = Date().addingTimeInterval(TimeInterval(wait))
        var call: TelephonyGatewayAPI.PhoneMessage?
        var after = 0
        while call == nil, Date() < deadline {
            let messages = try await gateway.phoneMessages(
                number: number, after: after, wait: max(1, Int(deadline.timeIntervalSinceNow)))
            after = messages.last?.sequence ?? after
            call = messages.last { $0.kind == "voice" && !$0.answered }
        }
        guard let call, let callId = call.callId else { throw nothingArrived("no call came to \(number) in \(wait) s") }
        print("Call from \(call.from): \(call.text)")
        let result = try await gateway.press(callId: callId, digits: press)
        guard (200..<300).contains(result.status) else {
            throw CommandFailure(description: "the server refused the answer (HTTP \(result.status)): \(result.body)")
        }
        let decided = try? APIJSON.makeDecoder().decode(AuthTransaction.self, from: Data(result.body.utf8))
        print("Pressed \(press): the sign-in is \(decided?.state.rawValue ?? "answered")")
    }
}
