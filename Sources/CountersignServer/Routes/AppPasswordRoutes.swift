import CountersignCore
import Foundation
import Hummingbird

/// A user's app passwords (admin API). A password is shown once, when it is made.
struct AppPasswordRoutes {
    let environment: ServerEnvironment

    /// Each sign-in compares against every one of the user's app passwords with a slow hash.
    static let maxPerUser = 10

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("users/:name/app-passwords") { request, context in
            let user = try context.pathParameter("name")
            let body = try await request.decodeOptionalJSON(
                CreateAppPasswordRequest.self, absent: CreateAppPasswordRequest(), context: context)
            let label = try body.name.flatMap { $0.isEmpty ? nil : try Validation.displayText($0, field: "name") }
            // A password the provider would refuse at every sign-in is worse than none: refuse it now.
            guard let provider = try await environment.store.currentActivation()?.provider else {
                throw StoreError.notActivated
            }
            guard try await environment.store.provider(named: provider).settings.allowAppPasswords else {
                throw AuthRefusal.appPasswordsForbidden
            }
            guard try await environment.store.appPasswords(user: user).count < Self.maxPerUser else {
                throw APIError(
                    .conflict, code: "too_many_app_passwords",
                    "user '\(user)' already has \(Self.maxPerUser) app passwords; delete them with 'countersign app-password delete-all' first"
                )
            }
            let password = AppPassword.generate()
            let passwordHash = try await SlowHashing.run { try AppPassword.hash(password) }
            let view = try await environment.store.createAppPassword(
                user: user, name: label, passwordHash: passwordHash, now: environment.clock.now())
            context.logger.notice("app password created", metadata: ["user": "\(user)"])
            return try JSONResponse.make(
                CreatedAppPassword(appPassword: AppPasswordView(view), password: password), status: .created)
        }

        group.get("users/:name/app-passwords") { _, context in
            try JSONResponse.make(
                try await environment.store.appPasswords(user: try context.pathParameter("name")))
        }

        group.delete("users/:name/app-passwords/:id") { _, context in
            let user = try context.pathParameter("name")
            let id = try context.pathParameter("id")
            try await environment.store.deleteAppPassword(user: user, id: id)
            context.logger.notice("app password deleted", metadata: ["user": "\(user)", "appPassword": "\(id)"])
            return Response(status: .noContent)
        }

        group.delete("users/:name/app-passwords") { _, context in
            let user = try context.pathParameter("name")
            let deleted = try await environment.store.deleteAppPasswords(user: user)
            context.logger.notice("app passwords deleted", metadata: ["user": "\(user)", "count": "\(deleted)"])
            return try JSONResponse.make(DeletedAppPasswords(deleted: deleted))
        }
    }
}
