import Hummingbird

/// Unauthenticated routes for load balancers and Prometheus.
struct ServiceRoutes {
    let environment: ServerEnvironment

    func register(on router: Router<CountersignRequestContext>) {
        router.get("health") { _, _ in
            // Touching the store proves the database is readable, not just that the process is up.
            _ = try await environment.store.currentActivation()
            return try JSONResponse.make(["status": "ok"])
        }

        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: environment.metrics.emitToBuffer())))
        }
    }
}
