import CountersignCore
import Hummingbird

struct DeviceAdminRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.get("devices") { request, _ in
            let user = request.uri.queryParameters["user"].map(String.init)
            let page = try PagedResponse.request(request)
            if let after = page.after, Int64(after) == nil {
                throw APIError.invalid("after must be the whole number a Link header gave")
            }
            return try PagedResponse.make(
                try await environment.store.devices(user: user, page: page).map(\.httpView), for: request)
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
