import CountersignCore
import CountersignStore
import Foundation
import Hummingbird

struct UserRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("users") { request, context in
            let body = try await request.decodeJSON(CreateUserRequest.self, context: context)
            let user = try await environment.store.createUser(try Self.validated(body), now: environment.clock.now())
            return try JSONResponse.make(UserView(user, at: environment.clock.now()), status: .created)
        }

        group.get("users") { request, _ in
            let now = environment.clock.now()
            let page = try await environment.store.users(page: PagedResponse.request(request))
            return try PagedResponse.make(page.map { UserView($0, at: now) }, for: request)
        }

        group.get("users/:name") { _, context in
            let user = try await environment.store.user(named: try context.pathParameter("name"))
            return try JSONResponse.make(UserView(user, at: environment.clock.now()))
        }

        group.post("users/:name/disable") { _, context in
            let name = try context.pathParameter("name")
            let user = try await environment.store.setUserStatus(name, to: .disabled)
            return try JSONResponse.make(UserView(user, at: environment.clock.now()))
        }

        group.post("users/:name/enable") { _, context in
            let name = try context.pathParameter("name")
            let user = try await environment.store.setUserStatus(name, to: .enabled)
            return try JSONResponse.make(UserView(user, at: environment.clock.now()))
        }

        group.post("users/:name/unlock") { _, context in
            let name = try context.pathParameter("name")
            let user = try await environment.store.unlockUser(name)
            context.logger.notice("user unlocked", metadata: ["user": "\(name)"])
            return try JSONResponse.make(UserView(user, at: environment.clock.now()))
        }

        group.post("users/:name/reset") { _, context in
            let name = try context.pathParameter("name")
            let result = try await Administration(environment: environment).resetUser(name: name)
            context.logger.notice(
                "user reset",
                metadata: [
                    "user": "\(name)", "devices": "\(result.devicesRemoved)",
                    "appPasswords": "\(result.appPasswordsDeleted)",
                ])
            return try JSONResponse.make(result)
        }

        group.delete("users/:name") { _, context in
            try await environment.store.deleteUser(try context.pathParameter("name"))
            return Response(status: .noContent)
        }

        group.post("users/:name/pairing-codes") { request, context in
            let name = try context.pathParameter("name")
            // Without a body the server's default lifetime applies.
            let options = try await request.decodeOptionalJSON(
                CreatePairingCodeRequest.self, absent: CreatePairingCodeRequest(validForSeconds: nil), context: context)
            let code = try await PairingService(environment: environment).issueCode(
                for: name, validFor: options.validForSeconds)
            return try JSONResponse.make(code, status: .created)
        }
    }

    static func validated(_ body: CreateUserRequest) throws -> NewUser {
        func optional(_ value: String?, _ check: (String) throws -> String) throws -> String? {
            guard let value, !value.isEmpty else { return nil }
            return try check(value)
        }
        return NewUser(
            name: try Validation.name(body.name, of: "user"),
            firstName: try optional(body.firstName) { try Validation.displayText($0, field: "firstName") },
            lastName: try optional(body.lastName) { try Validation.displayText($0, field: "lastName") },
            email: try optional(body.email, Validation.email),
            phone: try optional(body.phone, Validation.phoneNumber),
            country: try optional(body.country, Validation.countryCode))
    }
}
