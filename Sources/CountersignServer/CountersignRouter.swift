import Hummingbird

/// Assembles the HTTP API: service routes, and under /v1 the phone's device API (signed by the
/// phone), the auth API (client API keys) and the admin API (admin tokens).
public enum CountersignRouter {
    public static func make(environment: ServerEnvironment) -> Router<CountersignRequestContext> {
        let router = Router(context: CountersignRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(registry: environment.metrics))
        router.add(middleware: ErrorBodyMiddleware())
        ServiceRoutes(environment: environment).register(on: router)

        DeviceAPIRoutes(environment: environment).register(on: router.group("v1"))
        DeviceChallengeRoutes(environment: environment).register(on: router.group("v1"))
        TelephonyCallbackRoutes(environment: environment).register(on: router.group("v1"))

        let relyingParty = router.group("v1").add(middleware: ClientAuthMiddleware(keys: environment.clientKeys))
        AuthRoutes(environment: environment).register(on: relyingParty)

        let admin = router.group("v1").add(
            middleware: AdminAuthMiddleware(
                tokens: environment.adminTokens, audit: environment.store, clock: environment.clock))
        ProviderRoutes(environment: environment).register(on: admin)
        ActivationRoutes(environment: environment).register(on: admin)
        UserRoutes(environment: environment).register(on: admin)
        DeviceAdminRoutes(environment: environment).register(on: admin)
        PushRoutes(environment: environment).register(on: admin)
        ClientRoutes(environment: environment).register(on: admin)
        AuthLogRoutes(environment: environment).register(on: admin)
        TokenRoutes(environment: environment).register(on: admin)
        TokenImportRoutes(environment: environment).register(on: admin)
        AppPasswordRoutes(environment: environment).register(on: admin)
        TelephonyRoutes(environment: environment).register(on: admin)
        AdminTokenRoutes(environment: environment).register(on: admin)
        AuditRoutes(environment: environment).register(on: admin)
        RadiusClientRoutes(environment: environment).register(on: admin)
        SignInAdminRoutes(environment: environment).register(on: admin)
        return router
    }
}
