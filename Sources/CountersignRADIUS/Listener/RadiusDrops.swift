import Logging
import Prometheus
import Synchronization

/// Packets the listener drops: each reason counted, and logged at most once a minute per source,
/// so that a misconfigured or hostile sender cannot fill the log. The sender is never told.
final class RadiusDrops: Sendable {
    enum Reason: String, Sendable, CaseIterable {
        case unknownClient = "unknown_client"
        case malformed
        case unsupportedCode = "unsupported_code"
        case missingMessageAuthenticator = "missing_message_authenticator"
        case badMessageAuthenticator = "bad_message_authenticator"
        case retransmitInFlight = "retransmit_in_flight"
        case overloaded
    }

    private let lastLogged = Mutex<[String: ContinuousClock.Instant]>([:])
    let logger: Logger
    let metrics: PrometheusCollectorRegistry

    init(logger: Logger, metrics: PrometheusCollectorRegistry) {
        self.logger = logger
        self.metrics = metrics
    }

    static var dropped: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "countersign", subsystem: "radius", metricName: "dropped", unitName: "total",
            helpText: "RADIUS packets dropped without an answer, by reason")
    }

    func drop(_ reason: Reason, source: String, detail: String) {
        metrics.makeCounter(descriptor: Self.dropped, labels: [("reason", reason.rawValue)]).increment()
        guard reason != .retransmitInFlight else { return }
        let now = ContinuousClock.now
        let shouldLog = lastLogged.withLock { seen in
            if let last = seen[source], now - last < .seconds(60) { return false }
            if seen.count > 10_000 { seen.removeAll() }
            seen[source] = now
            return true
        }
        if shouldLog {
            logger.warning(
                "RADIUS packet dropped (further drops from this source are not logged for a minute)",
                metadata: ["source": "\(source)", "reason": "\(reason.rawValue)", "detail": "\(detail)"])
        }
    }
}
