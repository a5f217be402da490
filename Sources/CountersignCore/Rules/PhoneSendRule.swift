import Foundation

/// Whether an SMS code or a voice call may go to a user now, and from which number.
public struct PhoneSendRule: Sendable, Equatable {
    public var limits: PhoneLimits

    public init(limits: PhoneLimits) { self.limits = limits }

    /// The user as far as a text or call cares.
    public struct Recipient: Sendable, Equatable {
        public var name: String
        public var phone: String?
        /// The user's country setting, used when the number does not tell.
        public var country: String?
        public var lockedUntil: Date?

        public init(name: String, phone: String?, country: String?, lockedUntil: Date?) {
            self.name = name
            self.phone = phone
            self.country = country
            self.lockedUntil = lockedUntil
        }
    }

    /// The current provider, as far as a text or call cares; nil when the server is not activated.
    public struct Route: Sendable, Equatable {
        public var provider: String
        public var hasGateway: Bool
        public var settings: ProviderSettings

        public init(provider: String, hasGateway: Bool, settings: ProviderSettings) {
            self.provider = provider
            self.hasGateway = hasGateway
            self.settings = settings
        }
    }

    /// What to send when the rule admits it.
    public struct Send: Sendable, Equatable {
        public var phone: String
        public var country: String
        /// The SMS sender (short code or long number) or the voice caller ID.
        public var sender: String
        /// A new SMS code replaces a pending one: only the latest text works.
        public var replacesPendingCodes: Bool
    }

    /// Where the send limit's window starts: sends created after it count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-limits.sendWindow) }

    /// Decides the send. `recentSends` are the creation times of the user's texts and calls since
    /// `windowStart(now:)`; `rotation` picks among the short codes for US and Canadian numbers.
    public func decide(
        method: AuthMethod, recipient: Recipient, route: Route?, recentSends: [Date], rotation: Int, now: Date
    ) -> Result<Send, AuthRefusal> {
        if method == .sms, let lockedUntil = recipient.lockedUntil, lockedUntil > now {
            return .failure(.locked(until: lockedUntil))
        }
        guard let phone = recipient.phone else { return .failure(.noPhoneNumber(recipient.name)) }
        guard let route else { return .failure(.notActivated) }
        guard route.hasGateway else { return .failure(.noTelephonyGateway(route.provider)) }
        let windowStart = windowStart(now: now)
        let counted = recentSends.filter { $0 > windowStart }
        if counted.count >= limits.maxSends, let oldest = counted.min() {
            return .failure(
                .tooManySends(limit: limits.maxSends, retryAt: oldest.addingTimeInterval(limits.sendWindow)))
        }
        let country = SMSSender.country(of: phone, fallback: recipient.country)
        let sender =
            method == .sms
            ? SMSSender.sender(country: country, longNumber: route.settings.smsLongNumber, rotation: rotation)
            : route.settings.voiceCallerId
        guard let sender else { return .failure(.noSender(method: method, country: country)) }
        return .success(Send(phone: phone, country: country, sender: sender, replacesPendingCodes: method == .sms))
    }
}
