import CountersignCore
import Hummingbird

/// Routes for load balancers (no credentials) and Prometheus (a token, or loopback only).
struct ServiceRoutes {
    let environment: ServerEnvironment

    func register(on router: Router<CountersignRequestContext>) {
        router.get("health") { _, _ in
            // Touching the store proves the database is readable, not just that the process is up.
            _ = try await environment.store.currentActivation()
            return try JSONResponse.make(["status": "ok"])
        }

        router.get("metrics") { request, context in
            try Self.checkMetricsAccess(request, context, token: environment.settings.metricsToken)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: environment.metrics.emitToBuffer())))
        }
    }

    /// The metrics name clients, users' activity and the server's internals: with a token set they
    /// need it (compared in constant time); without one they are served to this machine only.
    static func checkMetricsAccess(_ request: Request, _ context: CountersignRequestContext, token: String?) throws {
        let presented = try? request.bearerCredential(kind: "the metrics token")
        if let refusal = metricsRefusal(
            remoteAddress: context.remoteAddress?.ipAddress, presented: presented, token: token)
        {
            throw refusal
        }
    }

    static func metricsRefusal(remoteAddress: String?, presented: String?, token: String?) -> APIError? {
        if let token {
            guard let presented, ConstantTime.equals(Array(presented.utf8), Array(token.utf8)) else {
                return APIError.unauthorized("/metrics needs the metrics token: send 'Authorization: Bearer <token>'")
            }
            return nil
        }
        guard let remoteAddress, remoteAddress == "127.0.0.1" || remoteAddress == "::1" else {
            return APIError(
                .forbidden, code: "metrics_loopback_only",
                "/metrics is served to this machine only; start the server with --metrics-token to scrape it from elsewhere"
            )
        }
        return nil
    }
}
