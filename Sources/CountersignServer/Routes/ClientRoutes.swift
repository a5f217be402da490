import CountersignCore
import Foundation
import Hummingbird

/// Relying parties and their API keys (admin API).
struct ClientRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("clients") { request, context in
            let body = try await request.decodeJSON(CreateClientRequest.self, context: context)
            let created = try await environment.clientKeys.create(name: body.name, now: environment.clock.now())
            context.logger.notice("client created", metadata: ["client": "\(created.client.name)"])
            return try JSONResponse.make(created, status: .created)
        }

        group.get("clients") { _, _ in
            try JSONResponse.make(try await environment.store.relyingParties())
        }

        group.delete("clients/:name") { _, context in
            let name = try context.pathParameter("name")
            try await Administration(environment: environment).deleteClient(name: name)
            context.logger.notice("client deleted", metadata: ["client": "\(name)"])
            return Response(status: .noContent)
        }
    }
}
