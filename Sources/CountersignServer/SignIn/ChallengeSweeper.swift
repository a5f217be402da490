import CountersignCore
import Foundation
import Logging
import ServiceLifecycle

/// Ends sign-ins nobody answered as timeouts at their deadline, writing their auth-log rows and
/// waking whoever waits on them.
public struct ChallengeSweeper: Service {
    let environment: ServerEnvironment
    let logger: Logger
    /// How often it looks: the longest a timeout can be late.
    let interval: Duration

    public init(
        environment: ServerEnvironment, logger: Logger = Logger(label: "countersign.sign-in"),
        interval: Duration = .milliseconds(250)
    ) {
        self.environment = environment
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let next = try await environment.store.nextChallengeDeadline(), next <= environment.clock.now() {
                        try await Self.expireDue(environment)
                    }
                } catch {
                    logger.error("could not time out sign-ins", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    static func expireDue(_ environment: ServerEnvironment) async throws {
        let expired = try await environment.store.expireChallenges(
            now: environment.clock.now(), origin: environment.settings.logOrigin)
        if !expired.isEmpty { await environment.events.publish(.signInsChanged(ids: expired)) }
    }
}
