import CountersignCore
import CountersignStore
import Foundation

/// The sign-in use cases every front end calls: start one by any method, read or wait for its
/// outcome, check a texted code, take a phone's answer or a call's keys. They take domain inputs
/// and throw domain errors (`AuthRefusal`, `StoreError`, `UseCaseError`, `Validation.Failure`);
/// effects after each commit go out as events.
public struct SignIns: Sendable {
    let environment: ServerEnvironment

    public init(environment: ServerEnvironment) { self.environment = environment }

    /// Starts a sign-in for `client`. Code methods are decided at once; push, SMS and voice come
    /// back pending. `auto` becomes the user's default method (push, or SMS without a paired app).
    public func start(_ request: SignInRequest, client: String) async throws -> AuthTransaction {
        if request.method.takesCode {
            return try await CodeSignIn(environment: environment).verify(request, client: client)
        }
        var method = request.method
        if method == .auto {
            method = try await environment.store.defaultMethod(user: request.user, now: environment.clock.now())
        }
        if method.usesTelephony {
            return try await PhoneSignIn(environment: environment).start(request, method: method, client: client)
        }
        return try await PushSignIn(environment: environment).start(request, requested: request.method, client: client)
    }

    /// Reads a sign-in, waiting up to `seconds` for it to be decided.
    public func outcome(of id: String, client: String, waitingUpTo seconds: TimeInterval) async throws
        -> AuthTransaction
    {
        try await PushSignIn(environment: environment).outcome(of: id, client: client, waitingUpTo: seconds)
    }

    /// Checks the code the user read in the text message.
    public func verifySMSCode(transactionId: String, code: String, client: String) async throws -> AuthTransaction {
        try await PhoneSignIn(environment: environment).verify(transactionId: transactionId, code: code, client: client)
    }

    /// The keys a called user pressed, as the gateway reported them with the call's token.
    public func answerCall(transactionId: String, token: String, digits: String) async throws -> AuthTransaction {
        try await PhoneSignIn(environment: environment).answerCall(
            transactionId: transactionId, token: token, digits: digits)
    }

    /// A phone's answer to a push sign-in, its signature already checked (`requestTimestampMillis`
    /// is the signed request's). The first answer decides; a late or second one is refused.
    public func answer(
        transactionId: String, deviceId: String, answer: ChallengeAnswer, requestTimestampMillis: Int64
    ) async throws -> AuthTransaction {
        let outcome = try await environment.store.answerChallenge(
            id: transactionId, deviceId: deviceId, answer: answer, requestTimestampMillis: requestTimestampMillis,
            limits: environment.settings.pushLimits, origin: environment.settings.logOrigin,
            now: environment.clock.now())
        switch outcome {
        case .recorded(let transaction):
            await environment.events.publish(.signInDecided(transaction))
            return transaction
        case .tooLate:
            await environment.events.publish(.signInsChanged(ids: [transactionId]))
            throw UseCaseError.answerTooLate
        case .alreadyAnswered(let state):
            throw UseCaseError.alreadyAnswered(state)
        }
    }
}
