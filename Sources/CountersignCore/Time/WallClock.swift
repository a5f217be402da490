import Foundation

/// The time of day, injectable so that expiry rules can be tested without waiting.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
