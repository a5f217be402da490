import CountersignCore
import Crypto
import Hummingbird

struct ActivationRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("activations") { request, context in
            let body = try await request.decodeJSON(ActivateRequest.self, context: context)
            let activation = try await environment.store.activate(
                providerName: body.provider, serverKey: P256.Signing.PrivateKey(), now: environment.clock.now())
            context.logger.notice(
                "server activated", metadata: ["activation": "\(activation.id)", "provider": "\(activation.provider)"])
            return try JSONResponse.make(activation, status: .created)
        }

        group.get("status") { _, _ in
            let counts = try await environment.store.counts()
            let status = StatusView(
                serverName: environment.settings.serverName,
                activation: try await environment.store.currentActivation(),
                users: counts.users, activeDevices: counts.activeDevices, devices: counts.devices)
            return try JSONResponse.make(status)
        }
    }
}
