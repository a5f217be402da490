import CountersignCore
import CountersignStore
import Hummingbird

struct ProviderRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("providers") { request, context in
            let body = try await request.decodeJSON(CreateProviderRequest.self, context: context)
            let name = try Validation.name(body.name, of: "provider")
            let tenant = try body.tenant.map { try Validation.name($0, of: "tenant") }
            let provider = try await environment.store.createProvider(
                NewProvider(name: name, billing: body.billing, tenant: tenant), now: environment.clock.now())
            return try JSONResponse.make(provider, status: .created)
        }

        group.get("providers") { _, _ in
            try JSONResponse.make(try await environment.store.providers())
        }

        group.get("providers/:name") { _, context in
            try JSONResponse.make(try await environment.store.provider(named: try context.pathParameter("name")))
        }

        group.patch("providers/:name") { request, context in
            let name = try context.pathParameter("name")
            let update = try await request.decodeJSON(UpdateProviderRequest.self, context: context)
            let provider = try await environment.store.provider(named: name)
            if let billing = update.billing, billing != provider.billing {
                throw APIError.from(.billingIsFixed(provider: name, current: provider.billing.rawValue))
            }
            let longNumber = try update.smsLongNumber.map { $0.isEmpty ? "" : try Validation.phoneNumber($0) }
            let callerId = try update.voiceCallerId.map { $0.isEmpty ? "" : try Validation.phoneNumber($0) }
            let updated = try await environment.store.updateProviderSettings(name: name) { settings in
                if let allow = update.allowAppPasswords { settings.allowAppPasswords = allow }
                if let longNumber { settings.smsLongNumber = longNumber.isEmpty ? nil : longNumber }
                if let callerId { settings.voiceCallerId = callerId.isEmpty ? nil : callerId }
            }
            context.logger.notice("provider settings changed", metadata: ["provider": "\(name)"])
            return try JSONResponse.make(updated)
        }
    }
}
