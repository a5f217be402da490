import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// Starts push sign-ins and waits for their outcome.
struct PushSignIn: Sendable {
    /// The longest a status request may hold the connection open.
    static let maxWait: TimeInterval = 120
    let environment: ServerEnvironment

    /// Signs the challenge with the current activation's key, and stores it with its pushes in one
    /// transaction. `requested` is the method the relying party asked for (push, or auto).
    func start(_ request: SignInRequest, requested method: AuthMethod, client: String) async throws
        -> AuthTransaction
    {
        let user = request.user
        let context = request.context
        let timeout = try request.timeout(environment.settings)

        // A re-activation between signing and storing makes the store refuse; sign again with the new key.
        for _ in 0..<3 {
            guard let activation = try await environment.caches.currentActivation(environment.store) else {
                throw StoreError.notActivated
            }
            let key = try await environment.serverKeys.key(for: activation.id)
            let now = environment.clock.now()
            let details = ChallengeDetails(
                transactionId: UUID().uuidString.lowercased(), activationId: activation.id, user: user,
                application: context.application, clientIP: context.clientIP, location: context.location,
                createdAt: now, deadline: now.addingTimeInterval(timeout),
                asksForNumber: request.asksForNumber ? nil : false)
            do {
                let started = try await environment.store.startPushChallenge(
                    NewPushChallenge(
                        details: details, signed: try SignedChallenge.sign(details, with: key),
                        // The system generator reads the kernel CSPRNG.
                        number: Int.random(in: 10...99), relyingParty: client, requestedMethod: method),
                    limits: environment.settings.pushLimits, origin: environment.settings.logOrigin, now: now)
                await environment.events.publish(.pushQueued)
                // The phones that answer are these: their keys checked now spare a read per answer.
                for (deviceId, publicKey) in started.devicePublicKeys
                where environment.caches.devicePublicKey(id: deviceId) == nil {
                    if let key = try? P256.Signing.PublicKey(x963Representation: publicKey) {
                        environment.caches.rememberDevicePublicKey(key, id: deviceId)
                    }
                }
                return started.transaction
            } catch StoreError.activationChanged {
                environment.caches.forgetActivation()
                continue
            }
        }
        throw StoreError.activationChanged
    }

    /// Reads a transaction, waiting up to `seconds` for it to be decided. A sign-in past its
    /// deadline is ended as a timeout here too, so the answer never depends on the sweeper's timing.
    func outcome(of id: String, client: String, waitingUpTo seconds: TimeInterval) async throws -> AuthTransaction {
        let waitUntil = ContinuousClock.now + .milliseconds(Int(min(seconds, Self.maxWait) * 1000))
        var transaction = try await environment.store.transaction(id: id, relyingParty: client)
        while !transaction.state.isFinal {
            if environment.clock.now() >= transaction.deadline {
                try await ChallengeSweeper.expireDue(environment)
            } else {
                let remaining = waitUntil - ContinuousClock.now
                guard remaining > .zero else { break }
                let untilDeadline = Duration.milliseconds(
                    Int(transaction.deadline.timeIntervalSince(environment.clock.now()) * 1000) + 1)
                // With several nodes a wake-up from another one may be lost; the store is read again
                // after `recheck` at the latest.
                let recheck = environment.cluster?.recheck ?? remaining
                let decided = await environment.wakeUps.wait(
                    for: id, timeout: min(remaining, untilDeadline, recheck))
                if Task.isCancelled { break }
                if let decided, decided.state.isFinal {
                    transaction = decided
                    continue
                }
            }
            transaction = try await environment.store.transaction(id: id, relyingParty: client)
        }
        return transaction
    }
}
