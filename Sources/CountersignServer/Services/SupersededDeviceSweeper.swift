import CountersignCore
import CountersignStore
import Foundation
import Logging
import ServiceLifecycle

/// After a re-activation, writes "invalidated (server re-activated)" into the rows of the apps
/// paired under the old activation, a few thousand per transaction, so that other writes (SMS
/// verifications, sign-ins) get the database between batches. Those apps are refused from the
/// re-activation's own commit; this only brings their rows in line. It also runs at start, so a
/// sweep cut short by a restart is finished.
public struct SupersededDeviceSweeper: Service {
    public static let wakeUpKey = "superseded-devices"

    let environment: ServerEnvironment
    let logger: Logger

    public init(environment: ServerEnvironment, logger: Logger = Logger(label: "countersign.reactivation")) {
        self.environment = environment
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Self.sweep(environment, logger: logger)
                } catch {
                    logger.error("could not mark superseded apps", metadata: ["error": "\(error)"])
                }
                await environment.wakeUps.wait(for: Self.wakeUpKey, timeout: .seconds(3600))
            }
        }
    }

    /// One pass over the superseded apps, a batch per transaction.
    static func sweep(_ environment: ServerEnvironment, logger: Logger) async throws {
        var cursor = SweepCursor.start
        var batches = 0
        while !Task.isCancelled, let next = try await environment.store.markSupersededDevices(after: cursor) {
            cursor = next
            batches += 1
            await Task.yield()
        }
        logger.debug("superseded apps swept", metadata: ["batches": "\(batches)"])
    }
}
