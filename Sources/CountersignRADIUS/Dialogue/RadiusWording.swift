import CountersignCore
import CountersignServer

/// Domain errors as the Reply-Message a VPN shows its user. The user at the VPN is not the
/// administrator: what would tell a stranger which names exist is worded as a plain refusal, and
/// the auth log keeps the detail.
enum RadiusWording {
    static let refused = "The sign-in was refused."

    static func replyMessage(for error: any Error) -> String {
        switch error {
        case let refusal as AuthRefusal:
            switch refusal {
            case .unknownUser, .userDisabled, .notActivated: return refused
            default: return sentence(refusal.description)
            }
        case let failure as Validation.Failure: return sentence(failure.message)
        case StoreError.deviceNotActivated: return StoreError.deviceNotActivated.description
        case let failure as UseCaseError:
            switch failure {
            case .deliveryFailed: return "The text message could not be sent; try push or a code."
            default: return refused
            }
        default: return "The sign-in could not be checked; try again."
        }
    }

    static func outcome(_ transaction: AuthTransaction) -> String {
        switch transaction.state {
        case .approved: "Approved."
        case .denied: sentence(transaction.reason ?? "denied")
        case .fraud: "Reported as fraud on the phone."
        case .timeout: "No answer came from the phone in time."
        case .failed: sentence(transaction.reason ?? "the sign-in failed")
        case .pending: "Still waiting for the phone."
        }
    }

    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capitalised = first.uppercased() + text.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
