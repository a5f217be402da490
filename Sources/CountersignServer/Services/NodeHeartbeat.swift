import CountersignCore
import CountersignStore
import Foundation
import Logging
import ServiceLifecycle

/// Writes this node's heartbeat (with its own clock) at start and every `interval`, so `status`
/// on any node lists the live nodes and how far each clock is from the database's.
public struct NodeHeartbeat: Service {
    let registry: any NodeRegistry
    let clock: any WallClock
    let interval: Duration
    let logger: Logger
    /// A node unheard for this long is shown as not live.
    public static let liveWithin: TimeInterval = 15

    public init(registry: any NodeRegistry, clock: any WallClock, interval: Duration = .seconds(5), logger: Logger) {
        self.registry = registry
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let startedAt = clock.now()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await registry.heartbeat(
                        startedAt: startedAt, version: CountersignVersion.current, now: clock.now())
                } catch {
                    logger.warning("node heartbeat failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
