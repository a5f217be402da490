import CountersignCore
import Foundation
import Hummingbird

/// RADIUS clients (admin API): the NAS allowed to ask over RADIUS. Secrets go in, never out.
struct RadiusClientRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        let clients = RadiusClients(environment: environment)
        group.post("radius-clients") { request, context in
            let body = try await request.decodeJSON(RadiusClientRequest.self, context: context)
            let added = try await clients.add(body)
            context.logger.notice("RADIUS client added", metadata: ["name": "\(added.name)"])
            return try JSONResponse.make(added, status: .created)
        }

        group.get("radius-clients") { _, _ in
            try JSONResponse.make(RadiusClientList(clients: try await clients.list().map(RadiusClientView.init)))
        }

        group.get("radius-clients/:name") { _, context in
            try JSONResponse.make(try await clients.client(named: try context.pathParameter("name")))
        }

        group.patch("radius-clients/:name") { request, context in
            let body = try await request.decodeJSON(RadiusClientRequest.self, context: context)
            let updated = try await clients.update(name: try context.pathParameter("name"), body)
            context.logger.notice("RADIUS client changed", metadata: ["name": "\(updated.name)"])
            return try JSONResponse.make(updated)
        }

        group.delete("radius-clients/:name") { _, context in
            let name = try context.pathParameter("name")
            try await clients.delete(name: name)
            context.logger.notice("RADIUS client deleted", metadata: ["name": "\(name)"])
            return Response(status: .noContent)
        }
    }
}
