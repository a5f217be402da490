import CountersignCore
import CountersignStore
import Foundation
import Hummingbird

/// The phone's side of a push sign-in: fetch pending challenges, answer one. Both are signed.
struct DeviceChallengeRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        // The poll fallback, and how a phone woken by a push fetches what it was woken for.
        group.get("devices/:id/challenges") { request, context in
            let deviceId = try context.pathParameter("id")
            // The store checks that the device still counts, in the same transaction as the read.
            let timestamp = try await DeviceRequestVerifier(environment: environment)
                .verifySignature(
                    deviceId: deviceId, method: "GET", path: request.uri.path, headers: request.headers, body: Data())
            let challenges = try await environment.store.pendingChallenges(
                deviceId: deviceId, requestTimestampMillis: timestamp, now: environment.clock.now())
            return try JSONResponse.make(PendingChallenges(challenges: challenges))
        }

        group.post("devices/:id/challenges/:txid") { request, context in
            var request = request
            let deviceId = try context.pathParameter("id")
            let transactionId = try context.pathParameter("txid")
            let body = Data(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
            // The signature first: nothing in the body counts before it is checked.
            // The store checks that the device still counts, in the same transaction as the answer.
            let timestamp = try await DeviceRequestVerifier(environment: environment)
                .verifySignature(
                    deviceId: deviceId, method: "POST", path: request.uri.path, headers: request.headers, body: body)
            let answer = try Request.decodeJSON(ChallengeAnswer.self, from: body)
            let transaction: AuthTransaction
            do {
                transaction = try await SignIns(environment: environment).answer(
                    transactionId: transactionId, deviceId: deviceId, answer: answer,
                    requestTimestampMillis: timestamp)
            } catch StoreError.replayedRequest {
                context.logger.warning(
                    "replayed sign-in answer refused",
                    metadata: ["device": "\(deviceId)", "transaction": "\(transactionId)"])
                throw StoreError.replayedRequest
            } catch let error as UseCaseError {
                let what =
                    error == .answerTooLate ? "late sign-in answer refused" : "second answer to a sign-in refused"
                context.logger.warning(
                    "\(what)", metadata: ["device": "\(deviceId)", "transaction": "\(transactionId)"])
                throw error
            }
            context.logger.info(
                "sign-in answered",
                metadata: [
                    "transaction": "\(transactionId)", "device": "\(deviceId)",
                    "state": "\(transaction.state.rawValue)",
                ])
            return try JSONResponse.make(
                ChallengeAnswerResult(
                    transactionId: transactionId, state: transaction.state, reason: transaction.reason))
        }
    }
}
