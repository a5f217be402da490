import Foundation
import Hummingbird
import Prometheus

/// Counts requests and their durations per route and status, into the server's own registry.
///
/// The registry belongs to one server rather than to the process-wide MetricsSystem, so that
/// several servers in one test process keep separate figures.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = CountersignRequestContext

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "countersign", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by method, route and status")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "countersign", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time to answer an HTTP request, by method and route")
    }
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2),
        .seconds(10),
    ]

    let registry: PrometheusCollectorRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        var status = 500
        defer {
            // Unmatched paths share one label so that scanners cannot grow the label set without bound.
            let route = context.endpointPath ?? "unmatched"
            let method = ("method", request.method.rawValue)
            registry.makeCounter(
                descriptor: Self.requests, labels: [method, ("route", route), ("status", String(status))]
            ).increment()
            registry.makeDurationHistogram(
                descriptor: Self.duration, labels: [method, ("route", route)], buckets: Self.buckets
            )
            .record(ContinuousClock.now - started)
        }
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            status = Int(error.status.code)
            throw error
        }
    }
}
