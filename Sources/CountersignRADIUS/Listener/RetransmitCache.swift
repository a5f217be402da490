import Foundation

/// The requests being answered and the replies sent lately, by source, identifier and request
/// authenticator: a request the NAS sends again while we wait starts nothing new, and after a
/// decision it gets the same reply again (RFC 5080 section 2.2.2).
actor RetransmitCache {
    struct Key: Hashable, Sendable {
        var source: String
        var identifier: UInt8
        var authenticator: [UInt8]
    }

    enum Seen: Sendable, Equatable {
        case new
        case inFlight
        case answered([UInt8])
    }

    private var replies: [Key: [UInt8]] = [:]
    private var inFlight: Set<Key> = []
    /// Replies in the order they were sent, for expiry; `head` is the oldest still kept.
    private var sent: [(key: Key, at: ContinuousClock.Instant)] = []
    private var head = 0
    let keepFor: Duration
    let capacity: Int

    init(keepFor: Duration = .seconds(30), capacity: Int = 100_000) {
        self.keepFor = keepFor
        self.capacity = capacity
    }

    /// Marks the request as being answered when it is new.
    func begin(_ key: Key) -> Seen {
        expire()
        if let reply = replies[key] { return .answered(reply) }
        if inFlight.contains(key) { return .inFlight }
        inFlight.insert(key)
        return .new
    }

    func finish(_ key: Key, reply: [UInt8]?) {
        inFlight.remove(key)
        guard let reply else { return }
        replies[key] = reply
        sent.append((key, .now))
    }

    private func expire() {
        let cutoff = ContinuousClock.now - keepFor
        while head < sent.count, sent[head].at < cutoff || sent.count - head > capacity {
            replies[sent[head].key] = nil
            head += 1
        }
        if head > 1024, head * 2 > sent.count {
            sent.removeFirst(head)
            head = 0
        }
    }
}
