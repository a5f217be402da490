import CountersignCore
import Foundation
import Testing

@Suite("Rule: a source that keeps guessing codes is slowed down")
struct CodeThrottleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let throttle = CodeThrottle(policy: CodeThrottlePolicy(freeFailures: 3, firstDelay: 2, maxDelay: 10))
    let wrong = CodeCheck.wrong(reason: "wrong")

    @Test("the first wrong codes cost nothing; after them each wait doubles up to the ceiling")
    func waits() throws {
        var counters = SourceCounters()
        var waits: [TimeInterval?] = []
        for _ in 0..<6 {
            counters = try #require(throttle.counters(after: wrong, from: counters, now: now))
            waits.append(counters.waitUntil.map { $0.timeIntervalSince(now) })
        }
        #expect(waits == [nil, nil, 2, 4, 8, 10])
        #expect(counters.failures == 6)
    }

    @Test("a source still waiting is refused until its time; then it is looked at again")
    func refusal() {
        let waiting = SourceCounters(failures: 3, waitUntil: now.addingTimeInterval(2))
        #expect(throttle.refusal(waiting, now: now) == .slowedDown(until: now.addingTimeInterval(2)))
        #expect(throttle.refusal(waiting, now: now.addingTimeInterval(2)) == nil)
        #expect(throttle.refusal(SourceCounters(failures: 2), now: now) == nil)
    }

    @Test("a right code forgets the source; a refused method changes nothing")
    func matchedAndRefused() {
        let counters = SourceCounters(failures: 4, waitUntil: now)
        #expect(throttle.counters(after: .matched(credential: nil), from: counters, now: now) == nil)
        #expect(throttle.counters(after: .refused(.noCodeGenerator("alice")), from: counters, now: now) == counters)
    }

    @Test("a source is the client and the address it gives, the client's name in any case")
    func sources() {
        #expect(
            CodeThrottle.source(client: "VPN", clientIP: "192.0.2.1")
                == CodeThrottle.source(client: "vpn", clientIP: "192.0.2.1"))
        #expect(
            CodeThrottle.source(client: "vpn", clientIP: "192.0.2.1")
                != CodeThrottle.source(client: "vpn", clientIP: "192.0.2.2"))
        #expect(CodeThrottle.source(client: "vpn", clientIP: nil) != CodeThrottle.source(client: "wiki", clientIP: nil))
    }
}
