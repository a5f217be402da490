import CountersignCore
import Foundation

/// An SMS code or voice call to start.
public struct NewPhoneChallenge: Sendable {
    public var method: AuthMethod
    public var user: String
    public var transactionId: String
    /// The SMS code, or the voice call's callback token; only a keyed hash is stored.
    public var secret: String
    public var context: AuthContext
    public var relyingParty: String
    public var lifetime: TimeInterval
    /// Picks among the short codes for US and Canadian numbers.
    public var senderRotation: Int

    public init(
        method: AuthMethod, user: String, transactionId: String, secret: String, context: AuthContext,
        relyingParty: String, lifetime: TimeInterval, senderRotation: Int
    ) {
        self.method = method
        self.user = user
        self.transactionId = transactionId
        self.secret = secret
        self.context = context
        self.relyingParty = relyingParty
        self.lifetime = lifetime
        self.senderRotation = senderRotation
    }
}

/// Where and how to deliver a started phone challenge.
public struct PhoneDelivery: Sendable {
    public var transaction: AuthTransaction
    public var phone: String
    public var country: String
    /// The SMS sender or the voice caller ID.
    public var sender: String
    public var telephony: TelephonySettings
}
