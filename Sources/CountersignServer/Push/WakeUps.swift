/// Wakes tasks waiting on a key: long-polls on a sign-in when it is decided, and the push dispatcher
/// when a message is queued.
///
/// A hint, never the truth: waiters always re-read the store, and a missed wake-up costs only the
/// waiter's timeout. In-process only: with several server nodes, a wake-up on one does not reach
/// another, which notices at the end of its wait.
public actor WakeUps {
    /// The key the push dispatcher waits on.
    public static let outbox = "push-outbox"

    private var waiters: [String: [UInt64: CheckedContinuation<Void, Never>]] = [:]
    private var nextToken: UInt64 = 0

    public init() {}

    /// Returns when `id` is signalled, when `timeout` passes, or when the task is cancelled.
    public nonisolated func wait(for id: String, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.suspend(until: id) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Wakes everyone waiting on these ids.
    public func signal(_ ids: some Sequence<String>) {
        for id in ids {
            for continuation in waiters.removeValue(forKey: id)?.values ?? [:].values { continuation.resume() }
        }
    }

    private func suspend(until id: String) async {
        let token = nextToken
        nextToken += 1
        // The continuation is registered before this actor can run anything else, so the
        // cancellation handler's hop (which needs the actor) always finds it, or finds it gone.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id, default: [:]][token] = continuation
            }
        } onCancel: {
            Task { await self.resume(id, token) }
        }
    }

    private func resume(_ id: String, _ token: UInt64) {
        guard let continuation = waiters[id]?.removeValue(forKey: token) else { return }
        if waiters[id]?.isEmpty == true { waiters[id] = nil }
        continuation.resume()
    }
}
