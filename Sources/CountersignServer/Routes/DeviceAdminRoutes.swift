import CountersignCore
import Hummingbird

struct DeviceAdminRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.get("devices") { request, _ in
            let user = request.uri.queryParameters["user"].map(String.init)
            return try JSONResponse.make(try await environment.store.devices(user: user))
        }

        group.get("devices/:id") { _, context in
            try JSONResponse.make(try await environment.store.device(id: try context.pathParameter("id")))
        }

        group.delete("devices/:id") { _, context in
            let id = try context.pathParameter("id")
            let device = try await Administration(environment: environment).removeDevice(id: id)
            context.logger.notice("device removed", metadata: ["device": "\(id)", "user": "\(device.user)"])
            return try JSONResponse.make(device)
        }
    }
}
