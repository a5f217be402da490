import CountersignCore
import Crypto
import Foundation

/// One account the simulated authenticator app holds: a pairing with one Countersign server.
public struct PhoneAccount: Codable, Sendable, Equatable {
    public var server: URL
    public var user: String
    public var deviceId: String
    public var activationId: String
    /// The activation's public key, pinned at pairing: only challenges it signed are trusted.
    public var serverPublicKey: String
    public var oath: OATHParameters
    public var platform: DevicePlatform
    public var pushToken: String?
    /// The phone's P-256 private key (raw, base64url). It never leaves the phone's state folder.
    public var privateKey: String
    /// The key the server seals this account's push challenges with (base64url); nil when the
    /// server gave none, and then every push is followed by a fetch.
    public var pushKey: String?
    public var pairedAt: Date
    /// When the server first answered that it no longer accepts this pairing (a re-activation
    /// ended it). Such an account is kept, so its user sees why, but never chosen by default.
    public var invalidatedAt: Date?

    public init(
        server: URL, user: String, deviceId: String, activationId: String, serverPublicKey: String,
        oath: OATHParameters, platform: DevicePlatform, pushToken: String?, privateKey: String,
        pushKey: String? = nil, pairedAt: Date
    ) {
        self.server = server
        self.user = user
        self.deviceId = deviceId
        self.activationId = activationId
        self.serverPublicKey = serverPublicKey
        self.oath = oath
        self.platform = platform
        self.pushToken = pushToken
        self.privateKey = privateKey
        self.pushKey = pushKey
        self.pairedAt = pairedAt
    }

    public var isInvalidated: Bool { invalidatedAt != nil }

    /// Whether `other` is the same user on the same server: pairing again replaces it.
    public func isSameAccount(as other: PhoneAccount) -> Bool {
        user.lowercased() == other.user.lowercased() && server.absoluteString == other.server.absoluteString
    }

    /// How the account is shown and named on the command line: `user@host:port`.
    public var label: String {
        let port = server.port.map { ":\($0)" } ?? ""
        return "\(user)@\(server.host ?? "?")\(port)"
    }

    public func signingKey() throws -> P256.Signing.PrivateKey {
        guard let raw = Base64URL.decode(privateKey) else {
            throw PhoneError.corruptState("the account's key is unreadable")
        }
        return try P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// The offline code for `date`.
    public func code(at date: Date) throws -> String {
        try oath.makeTOTP().code(at: date)
    }
}

public enum PhoneError: Error, CustomStringConvertible, Equatable {
    case noAccounts
    case noSuchAccount(String, known: [String])
    case ambiguousAccount(String, matches: [String])
    case corruptState(String)
    /// The server no longer accepts this pairing; the words are the ones a real app shows.
    case notActivated
    case noSuchChallenge(String)

    public var description: String {
        switch self {
        case .noAccounts: "this phone has no accounts; pair one with 'countersign-phone pair URL'"
        case .noSuchAccount(let name, let known):
            "no account matches '\(name)'; this phone has: \(known.joined(separator: ", "))"
        case .ambiguousAccount(let name, let matches):
            "'\(name)' matches several accounts (\(matches.joined(separator: "; "))); name one by its device id"
        case .corruptState(let reason): "the phone's state is unreadable: \(reason)"
        case .noSuchChallenge(let id):
            "no pending sign-in request '\(id)' for this phone's accounts; it may have been answered or timed out"
        case .notActivated:
            "\(ActivationMessages.notActivated). Remove the account from this phone ('countersign-phone remove ACCOUNT') and add it again with a new activation code."
        }
    }
}
