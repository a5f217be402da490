import CountersignCore
import Foundation
import Testing

@Suite("The code lockout: wrong codes count, a lock doubles, a right code clears the count")
struct CodeLockoutTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let lockout = CodeLockout(policy: LockoutPolicy(maxFailures: 3, firstLock: 60, maxLock: 200))

    @Test("the wrong code that reaches the limit locks for the first lock's length and starts the count again")
    func locksAtTheLimit() {
        var counters = CodeAttemptCounters()
        for _ in 0..<2 { counters = lockout.counters(after: .wrong(reason: "x"), from: counters, now: now) }
        #expect(counters == CodeAttemptCounters(failedAttempts: 2, lockouts: 0, lockedUntil: nil))
        counters = lockout.counters(after: .wrong(reason: "x"), from: counters, now: now)
        #expect(counters == CodeAttemptCounters(failedAttempts: 0, lockouts: 1, lockedUntil: now + 60))
        #expect(lockout.refusal(counters, now: now + 59) == .locked(until: now + 60))
        #expect(lockout.refusal(counters, now: now + 60) == nil)
    }

    @Test("each later lock lasts twice the one before, up to the longest")
    func locksDouble() {
        func lock(after lockouts: Int) -> Date? {
            let counters = CodeAttemptCounters(failedAttempts: 2, lockouts: lockouts, lockedUntil: nil)
            return lockout.counters(after: .wrong(reason: "x"), from: counters, now: now).lockedUntil
        }
        #expect(lock(after: 1) == now + 120)
        #expect(lock(after: 2) == now + 200)
        #expect(lock(after: 40) == now + 200)
    }

    @Test("a right code clears the count but keeps the lock history; a refusal changes nothing")
    func matchAndRefusal() {
        let counters = CodeAttemptCounters(failedAttempts: 2, lockouts: 3, lockedUntil: now - 1)
        #expect(
            lockout.counters(after: .matched(credential: nil), from: counters, now: now)
                == CodeAttemptCounters(failedAttempts: 0, lockouts: 3, lockedUntil: now - 1))
        #expect(lockout.counters(after: .refused(.noCodeGenerator("a")), from: counters, now: now) == counters)
    }

    @Test("an unlock leaves no count, no lock and no history")
    func unlock() {
        #expect(CodeLockout.unlocked == CodeAttemptCounters(failedAttempts: 0, lockouts: 0, lockedUntil: nil))
        #expect(lockout.refusal(CodeLockout.unlocked, now: now) == nil)
    }
}
