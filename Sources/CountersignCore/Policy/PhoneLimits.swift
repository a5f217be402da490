import Foundation

/// Limits on SMS and voice: how long a texted code lives and how often a user may be texted or called.
public struct PhoneLimits: Sendable, Equatable {
    /// How long an SMS code stays valid (the FAQ's pfsvc_pendingSmsTimeoutSeconds).
    public var smsCodeLifetime: TimeInterval
    public var maxSends: Int
    public var sendWindow: TimeInterval

    public static let defaultSMSCodeLifetime: TimeInterval = 300
    public static let maxSMSCodeLifetime: TimeInterval = 3600

    public init(
        smsCodeLifetime: TimeInterval = defaultSMSCodeLifetime, maxSends: Int = 5, sendWindow: TimeInterval = 300
    ) {
        self.smsCodeLifetime = min(max(smsCodeLifetime, 30), Self.maxSMSCodeLifetime)
        self.maxSends = max(1, maxSends)
        self.sendWindow = max(1, sendWindow)
    }
}
