import CountersignCore
import Crypto
import Hummingbird

struct ActivationRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("activations") { request, context in
            let body = try await request.decodeJSON(ActivateRequest.self, context: context)
            let activation = try await Administration(environment: environment).activate(provider: body.provider)
            context.logger.notice(
                "server activated", metadata: ["activation": "\(activation.id)", "provider": "\(activation.provider)"])
            return try JSONResponse.make(activation, status: .created)
        }

        group.post("activations/reactivate") { request, context in
            let body = try await request.decodeJSON(ReactivateRequest.self, context: context)
            let result = try await Administration(environment: environment)
                .reactivate(provider: body.provider, force: body.force ?? false)
            context.logger.notice(
                "server re-activated",
                metadata: [
                    "activation": "\(result.activation.id)", "provider": "\(result.activation.provider)",
                    "devicesInvalidated": "\(result.devicesInvalidated)", "tenantChanged": "\(result.tenantChanged)",
                ])
            return try JSONResponse.make(result, status: .created)
        }

        group.post("repair-campaign") { request, context in
            let body = try await request.decodeJSON(StartRepairCampaignRequest.self, context: context)
            let issued = try await RepairCampaign(environment: environment)
                .startCampaign(send: body.send, validFor: body.validForSeconds)
            context.logger.notice("re-pair campaign started", metadata: ["users": "\(issued.count)"])
            return try JSONResponse.make(issued, status: .created)
        }

        group.get("repair-campaign") { _, _ in
            try JSONResponse.make(try await environment.store.repairStatus())
        }

        group.get("status") { _, _ in
            let counts = try await environment.store.counts()
            let status = StatusView(
                serverName: environment.settings.serverName,
                activation: try await environment.store.currentActivation().map(ActivationView.init),
                users: counts.users, activeDevices: counts.activeDevices, devices: counts.devices,
                nodes: try await environment.cluster?.nodes.nodes(liveWithin: NodeHeartbeat.liveWithin))
            return try JSONResponse.make(status)
        }
    }
}
