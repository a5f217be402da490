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
            let signIn = try SignInRequest(
                user: body.user, method: body.method, context: body.context, timeoutSeconds: body.timeoutSeconds,
                code: body.code)
            let signIns = SignIns(environment: environment)
            let started = try await signIns.start(signIn, client: client)
            if signIn.method.takesCode {
                context.logger.info(
                    "code sign-in",
                    metadata: [
                        "user": "\(started.user)", "client": "\(client)", "state": "\(started.state.rawValue)",
                    ])
                return try JSONResponse.make(started)
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
            let decided = try await signIns.outcome(
                of: started.transactionId, client: client, waitingUpTo: max(waitFor, 0))
            return try JSONResponse.make(decided)
        }

        group.post("auth/:txid/verify") { request, context in
            let client = try context.requireClient()
            let id = try context.pathParameter("txid")
            let body = try await request.decodeJSON(VerifyCodeRequest.self, context: context)
            let verified = try await SignIns(environment: environment).verifySMSCode(
                transactionId: id, code: body.code, client: client)
            context.logger.info(
                "sms code checked", metadata: ["transaction": "\(id)", "state": "\(verified.state.rawValue)"])
            return try JSONResponse.make(verified)
        }

        group.get("auth/:txid") { request, context in
            let client = try context.requireClient()
            let id = try context.pathParameter("txid")
            let wait = try Self.waitSeconds(request.uri.queryParameters.get("wait"))
            let transaction = try await SignIns(environment: environment)
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
