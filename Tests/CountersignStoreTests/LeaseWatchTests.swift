import Foundation
import Synchronization
import Testing

@testable import CountersignStore

/// One task bounds every wait for a pooled connection: a wait is given up once its time has
/// passed, never when its answer came first, and each at most once.
@Suite("The watch over waits for a pooled connection")
struct LeaseWatchTests {
    final class Count: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var now: Int { value.withLock { $0 } }
    }

    @Test("a wait is given up once its time has passed, and only once")
    func overdueIsGivenUp() {
        let watch = LeaseWatch(tick: .seconds(3600))
        let gaveUp = Count()
        _ = watch.add(after: .milliseconds(50)) { gaveUp.add() }
        watch.giveUpOverdue(now: .now)
        #expect(gaveUp.now == 0)
        watch.giveUpOverdue(now: .now + .milliseconds(60))
        watch.giveUpOverdue(now: .now + .milliseconds(120))
        #expect(gaveUp.now == 1)
        #expect(watch.count == 0)
        watch.stop()
    }

    @Test("a wait whose connection came is never given up")
    func answeredIsNotGivenUp() {
        let watch = LeaseWatch(tick: .seconds(3600))
        let gaveUp = Count()
        let token = watch.add(after: .milliseconds(1)) { gaveUp.add() }
        let other = watch.add(after: .milliseconds(1)) { gaveUp.add() }
        watch.done(token)
        watch.giveUpOverdue(now: .now + .seconds(1))
        #expect(gaveUp.now == 1)
        watch.done(other)
        #expect(watch.count == 0)
        watch.stop()
    }

    @Test("its own task gives up an overdue wait without being asked")
    func watcherTicks() async throws {
        let watch = LeaseWatch(tick: .milliseconds(10))
        let gaveUp = Count()
        _ = watch.add(after: .milliseconds(20)) { gaveUp.add() }
        for _ in 0..<500 where gaveUp.now == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(gaveUp.now == 1)
        watch.stop()
    }

    @Test("stopping gives up every wait still watched")
    func stopGivesUpTheRest() {
        let watch = LeaseWatch(tick: .seconds(3600))
        let gaveUp = Count()
        _ = watch.add(after: .seconds(60)) { gaveUp.add() }
        _ = watch.add(after: .seconds(60)) { gaveUp.add() }
        watch.stop()
        #expect(gaveUp.now == 2)
        #expect(watch.count == 0)
    }
}
