import CountersignCore
import CountersignPush
import CountersignStore
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// Sends the outbox, at least once, as a background service.
///
/// On start it puts back in the queue whatever a crash left half-sent. Then it claims due messages in
/// batches of at most `maxInFlight`, sends each, and records the outcome: delivered; token dead (the
/// device is marked); retry later (backoff with jitter, at least Retry-After, never past the
/// deadline); or failed. A send cut short by shutdown is left claimed, so the next start sends it.
public struct PushDispatcher: Service {
    let outbox: any PushOutboxStore
    let sender: any PushSender
    let clock: any WallClock
    let retryPolicy: RetryPolicy
    let maxInFlight: Int
    let idlePoll: Duration
    let logger: Logger
    let metrics: PrometheusCollectorRegistry
    /// Rung when a message is queued, so an idle dispatcher need not wait out `idlePoll`.
    let wakeUps: WakeUps?
    /// Sends in flight at once. The push benchmark measured 5,300/s at 128 and 6,000/s at 256
    /// (BENCHMARKS.md); APNs takes 1,000 streams per connection and the transport opens one per core.
    public static let defaultMaxInFlight = 256

    static var outcomes: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "countersign", subsystem: "push", metricName: "outcomes", unitName: "total",
            helpText: "Push attempts by platform and outcome")
    }

    public init(
        outbox: any PushOutboxStore, sender: any PushSender, clock: any WallClock = SystemWallClock(),
        retryPolicy: RetryPolicy = RetryPolicy(), maxInFlight: Int = defaultMaxInFlight,
        idlePoll: Duration = .milliseconds(20),
        logger: Logger = Logger(label: "countersign.push"), metrics: PrometheusCollectorRegistry,
        wakeUps: WakeUps? = nil
    ) {
        self.wakeUps = wakeUps
        self.outbox = outbox
        self.sender = sender
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.maxInFlight = maxInFlight
        self.idlePoll = idlePoll
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let requeued = try await outbox.requeueInterruptedPushes()
        if requeued > 0 {
            logger.notice("requeued push messages interrupted by the last stop", metadata: ["count": "\(requeued)"])
        }
        // Graceful shutdown cancels the loop; a send in flight is left claimed for the next start.
        await cancelWhenGracefulShutdown {
            await sendContinuously()
        }
    }

    typealias Finished = (id: String, result: PushAttemptResult)

    /// What the loop in `sendContinuously` reacts to.
    enum Event {
        /// A send ended; nil when shutdown interrupted it.
        case sent(Finished?)
        /// A message was queued, or `idlePoll` passed.
        case woken
    }

    /// Outcomes recorded in one transaction at most.
    static let recordBatch = 64

    /// Keeps up to `maxInFlight` sends going. It claims when woken (a message was queued, or
    /// `idlePoll` passed) and, after a claim that filled the window, again when half of it is free.
    /// Finished outcomes are recorded `recordBatch` at a time, or at a wake-up once the oldest has
    /// waited `idlePoll`. A finished send therefore costs no transaction of its own: at a few
    /// hundred pushes a second, claiming and recording after every send made two write
    /// transactions per push. A crash before the record sends those messages again (at least once).
    func sendContinuously() async {
        await withTaskGroup(of: Event.self) { group in
            var inFlight = 0
            var finished: [Finished] = []
            var oldestFinished = ContinuousClock.now
            var claimNow = true
            var moreMayBeDue = false
            group.addTask { await waitForWork() }
            while !Task.isCancelled {
                if claimNow {
                    let limit = maxInFlight - inFlight
                    let claimed = limit > 0 ? await claim(limit: limit) : []
                    for push in claimed {
                        group.addTask { .sent(await deliver(push).map { (push.id, $0) }) }
                    }
                    inFlight += claimed.count
                    moreMayBeDue = claimed.count == limit
                    claimNow = false
                }
                guard let event = await group.next() else { break }
                switch event {
                case .sent(let done):
                    inFlight -= 1
                    if let done {
                        if finished.isEmpty { oldestFinished = .now }
                        finished.append(done)
                    }
                    if finished.count >= Self.recordBatch { await record(&finished) }
                    if moreMayBeDue, inFlight <= maxInFlight / 2 { claimNow = true }
                case .woken:
                    if !finished.isEmpty, ContinuousClock.now - oldestFinished >= idlePoll { await record(&finished) }
                    claimNow = true
                    group.addTask { await waitForWork() }
                }
            }
            group.cancelAll()
            await record(&finished)
        }
    }

    /// Returns when a message is queued, or after `idlePoll` (a retry falling due rings no bell).
    func waitForWork() async -> Event {
        if let wakeUps {
            await wakeUps.wait(for: WakeUps.outbox, timeout: idlePoll)
        } else {
            try? await Task.sleep(for: idlePoll)
        }
        return .woken
    }

    func claim(limit: Int) async -> [PendingPush] {
        do {
            return try await outbox.claimDuePushes(now: clock.now(), limit: limit)
        } catch {
            logger.error("could not read the push outbox", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return []
        }
    }

    func record(_ finished: inout [(id: String, result: PushAttemptResult)]) async {
        guard !finished.isEmpty else { return }
        do {
            try await outbox.recordPushAttempts(finished, now: clock.now())
        } catch {
            // Left claimed: the next start sends these again (at least once).
            logger.error("could not record push outcomes", metadata: ["error": "\(error)"])
        }
        finished.removeAll(keepingCapacity: true)
    }

    /// Sends one message; nil when shutdown interrupted it (it stays claimed).
    func deliver(_ push: PendingPush) async -> PushAttemptResult? {
        let result: PushAttemptResult
        do {
            let outcome = try await sender.send(push)
            metrics.makeCounter(
                descriptor: Self.outcomes,
                labels: [("platform", push.platform.rawValue), ("outcome", outcome.metricLabel)]
            ).increment()
            result = attemptResult(for: outcome, push: push)
        } catch let error as PushRequestError {
            result = .failed(reason: error.message)
        } catch {
            // Interrupted by shutdown: leave it claimed; the next start sends it.
            if Task.isCancelled { return nil }
            metrics.makeCounter(
                descriptor: Self.outcomes,
                labels: [("platform", push.platform.rawValue), ("outcome", "transport_error")]
            ).increment()
            result = schedule(push, reason: "transport: \(error)", retryAfter: nil)
        }
        return result
    }

    func attemptResult(for outcome: PushOutcome, push: PendingPush) -> PushAttemptResult {
        switch outcome {
        case .delivered:
            return .sent
        case .tokenInvalid(let reason):
            logger.info("push token invalidated", metadata: ["device": "\(push.deviceId)", "reason": "\(reason)"])
            return .tokenInvalid(reason: reason)
        case .retry(let reason, let after):
            return schedule(push, reason: reason, retryAfter: after)
        case .refreshCredentials(let reason):
            // The client refreshed once already where the rules allowed; someone must look at the keys.
            logger.critical(
                "ALERT: the push service refused our credentials",
                metadata: ["platform": "\(push.platform.rawValue)", "reason": "\(reason)"])
            return schedule(push, reason: reason, retryAfter: nil)
        case .failed(let reason):
            logger.warning("push failed permanently", metadata: ["id": "\(push.id)", "reason": "\(reason)"])
            return .failed(reason: reason)
        }
    }

    func schedule(_ push: PendingPush, reason: String, retryAfter: TimeInterval?) -> PushAttemptResult {
        let now = clock.now()
        guard
            let delay = retryPolicy.delay(
                afterAttempt: push.attempt, retryAfter: retryAfter, now: now, deadline: push.deadline)
        else { return .expired }
        return .retry(at: now.addingTimeInterval(delay), reason: reason)
    }
}
