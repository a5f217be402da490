import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// Starts push sign-ins and waits for their outcome.
struct PushSignIn: Sendable {
    /// The longest a status request may hold the connection open.
    static let maxWait: TimeInterval = 120
    let environment: ServerEnvironment

    /// Validates the request, signs the challenge with the current activation's key, and stores it
    /// with its pushes in one transaction.
    func start(_ request: AuthRequest, client: String) async throws -> AuthTransaction {
        let user = try Validation.name(request.user, of: "user")
        let context = try Self.validated(request.context ?? AuthContext())
        let timeout = try Self.timeout(request, environment.settings)
        // Until other methods exist, a user's default method is push.
        let method = request.method ?? .auto

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
                createdAt: now, deadline: now.addingTimeInterval(timeout))
            do {
                let started = try await environment.store.startPushChallenge(
                    NewPushChallenge(
                        details: details, signed: try SignedChallenge.sign(details, with: key),
                        // The system generator reads the kernel CSPRNG.
                        number: Int.random(in: 10...99), relyingParty: client, requestedMethod: method),
                    limits: environment.settings.pushLimits, origin: environment.settings.logOrigin, now: now)
                await environment.wakeUps.signal([WakeUps.outbox])
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
                let decided = await environment.wakeUps.wait(for: id, timeout: min(remaining, untilDeadline))
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

    /// How long the user has to answer: the request's timeoutSeconds, or the server's default.
    static func timeout(_ request: AuthRequest, _ settings: ServerSettings) throws -> TimeInterval {
        guard let seconds = request.timeoutSeconds else { return settings.challengeTimeout }
        guard seconds >= 5, TimeInterval(seconds) <= ServerSettings.maxChallengeTimeout else {
            throw APIError.invalid("timeoutSeconds must be between 5 and \(Int(ServerSettings.maxChallengeTimeout))")
        }
        return TimeInterval(seconds)
    }

    /// What the phone will show is text from the application: bounded and free of control characters.
    static func validated(_ context: AuthContext) throws -> AuthContext {
        func optional(_ value: String?, _ field: String) throws -> String? {
            guard let value, !value.isEmpty else { return nil }
            return try Validation.displayText(value, field: field)
        }
        var clientIP: String?
        if let text = context.clientIP, !text.isEmpty {
            guard text.utf8.count <= 45, text.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
                throw APIError.invalid("context.clientIP '\(text.prefix(45))' is not an IPv4 or IPv6 address")
            }
            clientIP = text
        }
        return AuthContext(
            application: try optional(context.application, "context.application"), clientIP: clientIP,
            location: try optional(context.location, "context.location"))
    }
}
