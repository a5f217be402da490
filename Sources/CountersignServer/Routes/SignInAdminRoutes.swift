import CountersignCore
import Foundation
import Hummingbird

/// Sign-ins still waiting for their users (admin API): the helpdesk sees them, and can end one.
struct SignInAdminRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.get("signins") { request, _ in
            let query = request.uri.queryParameters
            var limit = 100
            if let text = query.get("limit") {
                guard let count = Int(text), (1...1000).contains(count) else {
                    throw APIError.invalid("limit must be between 1 and 1000")
                }
                limit = count
            }
            let pending = try await environment.store.pendingSignIns(
                user: query.get("user"), limit: limit, now: environment.clock.now())
            return try JSONResponse.make(PendingSignInList(signIns: pending))
        }

        group.post("signins/:txid/cancel") { _, context in
            let id = try context.pathParameter("txid")
            let ended = try await Administration(environment: environment).cancelSignIn(id: id)
            context.logger.notice("sign-in cancelled by an administrator", metadata: ["transaction": "\(id)"])
            return try JSONResponse.make(ended)
        }
    }
}
