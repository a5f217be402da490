import CountersignCore

/// Wakes tasks waiting on a key: long-polls on a sign-in when it is decided, and the push dispatcher
/// when a message is queued.
///
/// A plain wake-up is a hint: its waiters re-read the store, and a missed one costs only the
/// waiter's timeout. A phone's answer hands its waiters the decided transaction as committed, which
/// spares each long-poll a read. In-process only: with several server nodes, a wake-up on one does
/// not reach another, which notices at the end of its wait.
public actor WakeUps {
    /// The key the push dispatcher waits on.
    public static let outbox = "push-outbox"

    private var waiters: [String: [UInt64: CheckedContinuation<AuthTransaction?, Never>]] = [:]
    private var nextToken: UInt64 = 0
    /// The last decisions handed out, for a long-poll that read its transaction as pending just
    /// before the answer and starts waiting just after: it must not sleep through its whole wait.
    private var recentlyDecided: [String: AuthTransaction] = [:]
    private var decidedOrder: [String] = []
    private var oldestDecided = 0
    static let rememberedDecisions = 4096

    public init() {}

    /// Returns when `id` is signalled, when `timeout` passes, or when the task is cancelled; with
    /// the transaction when the signal carried its committed outcome.
    @discardableResult
    public nonisolated func wait(for id: String, timeout: Duration) async -> AuthTransaction? {
        await withTaskGroup(of: AuthTransaction?.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            group.addTask { await self.suspend(until: id) }
            let first = await group.next()
            group.cancelAll()
            return first ?? nil
        }
    }

    /// Wakes everyone waiting on these ids.
    public func signal(_ ids: some Sequence<String>) {
        for id in ids {
            for continuation in waiters.removeValue(forKey: id)?.values ?? [:].values {
                continuation.resume(returning: nil)
            }
        }
    }

    /// Wakes everyone waiting on a transaction that has just been decided, handing them its outcome.
    /// Call only after the outcome is committed.
    public func signal(decided transaction: AuthTransaction) {
        remember(transaction)
        for continuation in waiters.removeValue(forKey: transaction.transactionId)?.values ?? [:].values {
            continuation.resume(returning: transaction)
        }
    }

    private func remember(_ transaction: AuthTransaction) {
        let id = transaction.transactionId
        if recentlyDecided.updateValue(transaction, forKey: id) != nil { return }
        if decidedOrder.count < Self.rememberedDecisions {
            decidedOrder.append(id)
        } else {
            recentlyDecided[decidedOrder[oldestDecided]] = nil
            decidedOrder[oldestDecided] = id
            oldestDecided = (oldestDecided + 1) % Self.rememberedDecisions
        }
    }

    private func suspend(until id: String) async -> AuthTransaction? {
        if let decided = recentlyDecided[id] { return decided }
        let token = nextToken
        nextToken += 1
        // The continuation is registered before this actor can run anything else, so the
        // cancellation handler's hop (which needs the actor) always finds it, or finds it gone.
        return await withTaskCancellationHandler {
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
        continuation.resume(returning: nil)
    }
}
