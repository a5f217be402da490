import CountersignCore

/// What an operator can do about a refusal, in the words of the command line that drives this
/// API. Domain errors say what is wrong; only this edge knows which commands exist.
enum OperatorHints {
    static func hint(for refusal: AuthRefusal) -> String? {
        switch refusal {
        case .appPasswordsForbidden:
            "; an administrator can allow them with 'countersign provider set NAME --app-passwords allow'"
        case .noTelephonyGateway: "; set one with 'countersign provider telephony-set'"
        case .noSender(let method, _):
            method == .sms
                ? " ('countersign provider set --sms-long-number')" : " ('countersign provider set --voice-caller-id')"
        case .locked: "; an administrator can unlock them with 'countersign user unlock'"
        default: nil
        }
    }

    static func hint(for error: StoreError) -> String? {
        switch error {
        case .notActivated: ": run 'countersign activate --provider NAME' first"
        default: nil
        }
    }
}
