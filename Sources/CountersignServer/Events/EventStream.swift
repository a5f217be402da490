import Synchronization

/// The one way effects leave a commit. Writers publish after their transaction has committed;
/// subscribers (caches, push clients, wake-ups, background sweeps) are attached once, by the
/// composition root.
///
/// `publish` returns after every subscriber has handled the event, so a route that publishes
/// before it answers knows that, for example, a deleted client's key no longer works anywhere in
/// this process. Subscribers must be quick and must not publish themselves.
public final class EventStream: Sendable {
    public typealias Subscriber = @Sendable (CountersignEvent) async -> Void

    private let subscribers = Mutex<[Subscriber]>([])

    public init() {}

    public func subscribe(_ subscriber: @escaping Subscriber) {
        subscribers.withLock { $0.append(subscriber) }
    }

    public func publish(_ event: CountersignEvent) async {
        // The lock is let go before any subscriber runs: none is held across an await.
        for subscriber in subscribers.withLock({ $0 }) {
            await subscriber(event)
        }
    }
}
