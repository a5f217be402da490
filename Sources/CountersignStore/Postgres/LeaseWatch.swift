import Synchronization

/// The callers waiting for a pooled connection, each with the moment it gives up, watched by one
/// task. A timer per transaction (a sleeping task, cancelled once the lease came) left one dormant
/// dispatch timer behind for every transaction of the last five seconds, each firing for nothing.
final class LeaseWatch: Sendable {
    typealias GiveUp = @Sendable () -> Void

    private struct Waiting {
        let deadline: ContinuousClock.Instant
        let giveUp: GiveUp
    }

    private struct State {
        var next = 0
        var waiting: [Int: Waiting] = [:]
        var watcher: Task<Void, Never>?
        var stopped = false
    }

    private let state = Mutex(State())
    /// How late past its deadline a wait may be given up.
    let tick: Duration

    init(tick: Duration = .milliseconds(100)) { self.tick = tick }

    /// Calls `giveUp` once `wait` has passed, unless `done` is called with the answer first.
    func add(after wait: Duration, giveUp: @escaping GiveUp) -> Int {
        let deadline = ContinuousClock.now + wait
        return state.withLock { state in
            state.next += 1
            state.waiting[state.next] = Waiting(deadline: deadline, giveUp: giveUp)
            if state.watcher == nil, !state.stopped {
                let tick = self.tick
                state.watcher = Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        guard let self else { return }
                        self.giveUpOverdue(now: .now)
                    }
                }
            }
            return state.next
        }
    }

    func done(_ token: Int) { _ = state.withLock { $0.waiting.removeValue(forKey: token) } }

    /// The waits still watched (for tests).
    var count: Int { state.withLock { $0.waiting.count } }

    func giveUpOverdue(now: ContinuousClock.Instant) {
        let overdue = state.withLock { state -> [GiveUp] in
            let due = state.waiting.filter { $0.value.deadline <= now }
            for token in due.keys { state.waiting.removeValue(forKey: token) }
            return due.values.map(\.giveUp)
        }
        // Outside the lock: giving up resumes a caller.
        for giveUp in overdue { giveUp() }
    }

    /// Ends the watching task; the waits still watched are given up at once.
    func stop() {
        let (watcher, waiting) = state.withLock { state in
            defer {
                state.watcher = nil
                state.stopped = true
                state.waiting = [:]
            }
            return (state.watcher, Array(state.waiting.values))
        }
        watcher?.cancel()
        for wait in waiting { wait.giveUp() }
    }
}
