import CountersignCore
import Foundation
import Hummingbird

/// The relying parties' API: ask for a second factor, read the outcome.
struct AuthRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("auth") { request, context in
            let client = try context.requireClient()
            let body = try await request.decodeJSON(AuthRequest.self, context: context)
            if body.method?.takesCode == true {
                let verified = try await CodeSignIn(environment: environment).verify(body, client: client)
                context.logger.info(
                    "code sign-in",
                    metadata: [
                        "user": "\(verified.user)", "client": "\(client)", "state": "\(verified.state.rawValue)",
                    ])
                return try JSONResponse.make(verified)
            }
            let signIn = PushSignIn(environment: environment)
            var method = body.method ?? .auto
            if method == .auto { method = try await environment.store.defaultMethod(user: body.user) }
            let started: AuthTransaction
            if method.usesTelephony {
                started = try await PhoneSignIn(environment: environment).start(body, method: method, client: client)
            } else {
                started = try await signIn.start(body, client: client)
            }
            context.logger.info(
                "sign-in started",
                metadata: [
                    "transaction": "\(started.transactionId)", "user": "\(started.user)", "client": "\(client)",
                    "method": "\(started.method.rawValue)",
                ])
            // An SMS code is decided by the verify call, not by waiting.
            guard started.method != .sms else { return try JSONResponse.make(started, status: .created) }
            guard body.wait == true else { return try JSONResponse.make(started, status: .created) }
            // The blocking form, for clients that cannot poll: answer once it is decided.
            let waitFor = started.deadline.timeIntervalSince(environment.clock.now()) + 1
            let decided = try await signIn.outcome(
                of: started.transactionId, client: client, waitingUpTo: max(waitFor, 0))
            return try JSONResponse.make(decided)
        }

        group.post("auth/:txid/verify") { request, context in
            let client = try context.requireClient()
            let id = try context.parameters.require("txid")
            let body = try await request.decodeJSON(VerifyCodeRequest.self, context: context)
            let verified = try await PhoneSignIn(environment: environment).verify(
                transactionId: id, code: body.code, client: client)
            context.logger.info(
                "sms code checked", metadata: ["transaction": "\(id)", "state": "\(verified.state.rawValue)"])
            return try JSONResponse.make(verified)
        }

        group.get("auth/:txid") { request, context in
            let client = try context.requireClient()
            let id = try context.parameters.require("txid")
            let wait = try Self.waitSeconds(request.uri.queryParameters.get("wait"))
            let transaction = try await PushSignIn(environment: environment)
                .outcome(of: id, client: client, waitingUpTo: wait)
            return try JSONResponse.make(transaction)
        }
    }

    static func waitSeconds(_ text: String?) throws -> TimeInterval {
        guard let text else { return 0 }
        guard let seconds = Int(text), seconds >= 0, TimeInterval(seconds) <= PushSignIn.maxWait else {
            throw APIError.invalid("wait must be a whole number of seconds from 0 to \(Int(PushSignIn.maxWait))")
        }
        return TimeInterval(seconds)
    }
}

extension CountersignRequestContext {
    func requireClient() throws -> String {
        guard let clientName else { throw APIError.unauthorized("this route needs a client API key") }
        return clientName
    }
}
