import CountersignCore
import Foundation

/// What one Access-Request asks of the server, decided from the client's mode, the password the
/// user typed and the round its State names. Pure: the handler does what it says.
public enum RadiusDialogue {
    public enum Action: Sendable, Equatable {
        /// Ask, with an Access-Challenge, for a code or for push or SMS.
        case askForSecondFactor
        /// Check a one-time code (from the app or a hardware token) or an app password.
        case verifyCode(String, method: AuthMethod)
        /// Send a push. `showNumber`: the user is shown the number to type on the phone in a challenge,
        /// and the next round waits; otherwise this request waits, with no number to match.
        case startPush(showNumber: Bool)
        /// Text a code and ask for it in a challenge.
        case sendSMS
        /// Wait for the phone's answer to the push the last round sent.
        case awaitPush(transactionId: String)
        /// Check the code texted in the last round.
        case verifySMS(transactionId: String, code: String)
        case reject(String)
    }

    public struct Decision: Sendable, Equatable {
        /// The password to check with the first-factor server before anything else, on the first round.
        public var firstFactorPassword: String?
        public var action: Action
    }

    public static let pushWord = "push"
    public static let smsWord = "sms"

    public static func decide(mode: RadiusMode, delimiter: String, password: String, round: RadiusRound?) -> Decision {
        if let round {
            return Decision(firstFactorPassword: nil, action: nextRound(round, answer: password))
        }
        switch mode {
        case .push:
            return Decision(firstFactorPassword: password, action: .startPush(showNumber: false))
        case .challenge:
            return Decision(firstFactorPassword: password, action: .askForSecondFactor)
        case .append:
            guard !delimiter.isEmpty, let range = password.range(of: delimiter, options: .backwards) else {
                return Decision(
                    firstFactorPassword: nil,
                    action: .reject("add \(delimiter) and a code, or \(delimiter)\(pushWord), after the password"))
            }
            let factor = String(password[range.upperBound...])
            let action: Action =
                switch answer(factor) {
                case .push: .startPush(showNumber: false)
                case .sms, nil: .reject("after \(delimiter) give a code from your authenticator app, or \(pushWord)")
                case .code(let code, let method): .verifyCode(code, method: method)
                }
            return Decision(firstFactorPassword: String(password[..<range.lowerBound]), action: action)
        }
    }

    static func nextRound(_ round: RadiusRound, answer typed: String) -> Action {
        switch round.step {
        case .push:
            guard let id = round.transactionId else { return .reject("start the sign-in again") }
            return .awaitPush(transactionId: id)
        case .sms:
            guard let id = round.transactionId else { return .reject("start the sign-in again") }
            let code = typed.trimmingCharacters(in: .whitespaces)
            guard code.count == 6, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .reject("the texted code is 6 digits")
            }
            return .verifySMS(transactionId: id, code: code)
        case .factor:
            switch answer(typed) {
            case .push: return .startPush(showNumber: true)
            case .sms: return .sendSMS
            case .code(let code, let method): return .verifyCode(code, method: method)
            case nil: return .reject("answer with a code from your authenticator app, \(pushWord) or \(smsWord)")
            }
        }
    }

    enum Answer: Equatable {
        case push
        case sms
        case code(String, AuthMethod)
    }

    /// A second factor as typed: a keyword, a 6- or 8-digit code, or a 16-character app password.
    static func answer(_ typed: String) -> Answer? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == pushWord { return .push }
        if text.lowercased() == smsWord { return .sms }
        if [6, 8].contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return .code(text, .totp)
        }
        if AppPassword.isWellFormed(text) { return .code(text, .appPassword) }
        return nil
    }
}
