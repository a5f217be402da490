import Hummingbird

/// Assembles the HTTP API: service routes, the phone's device API and the admin API under /v1.
public enum CountersignRouter {
    public static func make(environment: ServerEnvironment) -> Router<CountersignRequestContext> {
        let router = Router(context: CountersignRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(registry: environment.metrics))
        router.add(middleware: ErrorBodyMiddleware())
        ServiceRoutes(environment: environment).register(on: router)

        DeviceAPIRoutes(environment: environment).register(on: router.group("v1"))

        let admin = router.group("v1").add(middleware: AdminAuthMiddleware(tokens: environment.adminTokens))
        ProviderRoutes(environment: environment).register(on: admin)
        ActivationRoutes(environment: environment).register(on: admin)
        UserRoutes(environment: environment).register(on: admin)
        DeviceAdminRoutes(environment: environment).register(on: admin)
        PushRoutes(environment: environment).register(on: admin)
        return router
    }
}
