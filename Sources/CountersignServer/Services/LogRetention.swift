import CountersignCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes auth-log rows older than the retention period, at start and then every `interval`. The
/// current month is never pruned (the store moves the cut-off back to its start), so its report
/// stays whole. With no retention set it waits for shutdown: a service that returned would stop
/// the whole server.
public struct LogRetention: Service {
    let environment: ServerEnvironment
    let days: Int
    let interval: Duration
    let logger: Logger

    public init(
        environment: ServerEnvironment, days: Int, interval: Duration = .seconds(3600),
        logger: Logger = Logger(label: "countersign.log")
    ) {
        self.environment = environment
        self.days = days
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        guard days > 0 else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await prune()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass: deletes what is older than `days` before the clock's now.
    func prune() async {
        let now = environment.clock.now()
        do {
            let result = try await environment.store.pruneAuthLog(
                before: now.addingTimeInterval(-TimeInterval(days) * 86_400), now: now)
            if result.deleted > 0 {
                logger.notice(
                    "auth log pruned", metadata: ["deleted": "\(result.deleted)", "retentionDays": "\(days)"])
            }
        } catch {
            logger.error("could not prune the auth log", metadata: ["error": "\(error)"])
        }
    }
}
