import Synchronization

/// Wakes the control routes' long-polls when a notification, text or call arrives, so a phone
/// waiting for one costs nothing until it comes (the routes used to re-read every few ms).
public final class ArrivalBell: Sendable {
    private struct State {
        var rings = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waiters whose time ran out before they were registered.
        var released: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// How many times the bell has rung: read before looking, then wait for a later ring.
    public var rings: Int { state.withLock { $0.rings } }

    public func ring() {
        let waiting = state.withLock { state in
            state.rings += 1
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once the bell has rung more than `rings` times, at `deadline`, or when cancelled.
    public func wait(after rings: Int, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(until: deadline)
            self.release(id)
        }
        defer {
            timer.cancel()
            state.withLock { _ = $0.released.remove(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    if state.rings != rings || state.released.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            release(id)
        }
    }

    private func release(_ id: Int) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.released.insert(id)
                return nil as CheckedContinuation<Void, Never>?
            }
            return waiter
        }
        waiter?.resume()
    }

    /// Reads until something comes or `seconds` pass (the read's answer is empty meanwhile).
    public func longPoll<Item>(seconds: Double, read: () async -> [Item]) async -> [Item] {
        let deadline = ContinuousClock.now + .milliseconds(Int(max(0, seconds) * 1000))
        while true {
            let before = rings
            let items = await read()
            if !items.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled { return items }
            await wait(after: before, until: deadline)
        }
    }
}
