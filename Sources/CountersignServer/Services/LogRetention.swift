import CountersignCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes auth-log rows older than the retention period, at start and then hourly. The current
/// month is never pruned (the store moves the cut-off back to its start), so its report stays whole.
public struct LogRetention: Service {
    let environment: ServerEnvironment
    let days: Int
    let logger: Logger

    public init(environment: ServerEnvironment, days: Int, logger: Logger = Logger(label: "countersign.log")) {
        self.environment = environment
        self.days = days
        self.logger = logger
    }

    public func run() async throws {
        guard days > 0 else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
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
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
