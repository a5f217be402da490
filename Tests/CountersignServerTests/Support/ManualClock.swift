import CountersignCore
import Foundation
import Synchronization

/// A wall clock that moves only when a test moves it.
final class ManualClock: WallClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
