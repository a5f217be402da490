import CountersignCore
import CountersignStore
import Foundation

/// Everything the composition root needs to build a server: where its data lives, its settings,
/// its clock and which background services run.
public struct ServerConfiguration: Sendable {
    /// Which backend holds the data.
    public enum Storage: Sendable {
        /// The embedded default: one SQLite file.
        case sqlite(path: String)
        /// A PostgreSQL database that several nodes share; `node` names this one among them.
        case postgres(PostgresLocation, node: String)
    }

    /// The background services a server runs. A real server runs them all; a test picks the ones
    /// it looks at, so that nothing else moves under it.
    public enum BackgroundService: Sendable, Hashable, CaseIterable {
        case pushDispatcher
        case challengeSweeper
        case supersededDeviceSweeper
        case logRetention
    }

    /// How often the background services look, when nothing wakes them sooner.
    public struct Intervals: Sendable {
        /// The longest a sign-in's timeout can be late.
        public var challengeSweep: Duration = .milliseconds(250)
        /// How often old auth-log rows are looked for.
        public var logRetention: Duration = .seconds(3600)
        /// With several nodes: how long a claimed push belongs to its node before another may send it.
        public var pushLease: TimeInterval = 10
        /// With several nodes: how often a waiting long-poll reads the store again, in case a
        /// cross-node wake-up was lost.
        public var clusterRecheck: Duration = .seconds(1)
        /// With several nodes: how often this node writes its heartbeat.
        public var heartbeat: Duration = .seconds(5)

        public init() {}
    }

    public var storage: Storage
    /// The key that seals secrets at rest (32 bytes).
    public var masterKey: [UInt8]
    public var settings: ServerSettings
    public var clock: any WallClock
    public var host: String
    public var port: Int
    /// Days the auth log is kept; 0 keeps it all.
    public var logRetentionDays: Int
    public var backgroundServices: Set<BackgroundService>
    public var intervals = Intervals()
    /// The HTTP listener's certificate: TLS with HTTP/2 and HTTP/1.1 when set, plain HTTP without.
    public var certificate: ServerCertificate?

    public init(
        storage: Storage, masterKey: [UInt8], settings: ServerSettings, clock: any WallClock = SystemWallClock(),
        host: String = "127.0.0.1", port: Int = 0, logRetentionDays: Int = 0,
        backgroundServices: Set<BackgroundService> = Set(BackgroundService.allCases)
    ) {
        self.storage = storage
        self.masterKey = masterKey
        self.settings = settings
        self.clock = clock
        self.host = host
        self.port = port
        self.logRetentionDays = logRetentionDays
        self.backgroundServices = backgroundServices
    }
}
