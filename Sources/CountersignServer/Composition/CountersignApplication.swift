import CountersignCore
import CountersignStore
import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import ServiceLifecycle

/// The one composition root: builds the store, the environment (with its event subscriptions),
/// the HTTP front end and the background services from a configuration. `countersign server`
/// and the tests both build the server here, so what the tests run is what operators run.
public struct CountersignApplication: Sendable {
    public let configuration: ServerConfiguration
    public let environment: ServerEnvironment
    /// The background services, in the order they start. Each waits when it has nothing to do: a
    /// service that returned would stop the whole server.
    public let services: [any Service]

    /// Opens the configured store (for PostgreSQL: connects, migrates and checks the master key,
    /// before anything is served) and builds the application on it.
    public static func open(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "countersign"))
        async throws -> CountersignApplication
    {
        switch configuration.storage {
        case .sqlite: return try build(configuration)
        case .postgres(let location, let node):
            let store = try await PostgresRegistryStore.open(
                location: location, secrets: try SecretBox(masterKey: configuration.masterKey), nodeName: node,
                pushLease: configuration.intervals.pushLease, logger: postgresLogger(level: logger.logLevel))
            return assemble(configuration, store: store, cluster: store)
        }
    }

    /// postgres-nio reports every failed connection attempt at info, several a second while the
    /// database is away; the store's own error says it once, so the pool's notes start at notice.
    static func postgresLogger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "countersign.postgres")
        logger.logLevel = max(level, .notice)
        return logger
    }

    /// Builds the application on the embedded SQLite store (what tests of one server use).
    public static func build(_ configuration: ServerConfiguration) throws -> CountersignApplication {
        switch configuration.storage {
        case .sqlite(let path):
            let store = try SQLiteRegistryStore.open(
                path: path, secrets: try SecretBox(masterKey: configuration.masterKey))
            return assemble(configuration, store: store, cluster: nil)
        case .postgres:
            throw Validation.Failure("a PostgreSQL store is opened with CountersignApplication.open")
        }
    }

    static func assemble(
        _ configuration: ServerConfiguration, store: any RegistryStore, cluster: PostgresRegistryStore?
    ) -> CountersignApplication {
        let environment = ServerEnvironment(
            store: store, clock: configuration.clock, settings: configuration.settings,
            cluster: cluster.map { .init(nodes: $0, recheck: configuration.intervals.clusterRecheck) })
        var services = makeServices(configuration, environment)
        if let cluster {
            let relay = ClusterEvents(
                channel: cluster.eventChannel(), events: environment.events, node: cluster.nodeName,
                logger: Logger(label: "countersign.events"))
            EventSubscriptions.attachRelay(to: environment.events, relay: relay)
            services.insert(relay, at: 0)
            services.append(
                NodeHeartbeat(
                    registry: cluster, clock: configuration.clock, interval: configuration.intervals.heartbeat,
                    logger: Logger(label: "countersign.node")))
        }
        return CountersignApplication(configuration: configuration, environment: environment, services: services)
    }

    static func makeServices(_ configuration: ServerConfiguration, _ environment: ServerEnvironment) -> [any Service] {
        var services: [any Service] = []
        for service in ServerConfiguration.BackgroundService.allCases
        where configuration.backgroundServices.contains(service) {
            switch service {
            case .pushDispatcher:
                services.append(
                    PushDispatcher(
                        outbox: environment.store, sender: environment.push, clock: environment.clock,
                        logger: Logger(label: "countersign.push"), metrics: environment.metrics,
                        wakeUps: environment.wakeUps))
            case .challengeSweeper:
                services.append(
                    ChallengeSweeper(environment: environment, interval: configuration.intervals.challengeSweep))
            case .supersededDeviceSweeper:
                services.append(SupersededDeviceSweeper(environment: environment))
            case .logRetention:
                services.append(
                    LogRetention(
                        environment: environment, days: configuration.logRetentionDays,
                        interval: configuration.intervals.logRetention))
            }
        }
        return services
    }

    /// The HTTP application: the API on the configured address, with the background services.
    /// `frontEnds` are the other listeners (RADIUS), run and stopped with it.
    /// With a certificate the listener speaks TLS, and HTTP/2 or HTTP/1.1 as the client's ALPN asks.
    public func makeHTTPApplication(
        serverName: String? = nil, logger: Logger = Logger(label: "countersign"), frontEnds: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> any ApplicationProtocol {
        let router = CountersignRouter.make(environment: environment)
        let listener = ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: serverName ?? configuration.settings.serverName)
        guard let certificate = configuration.certificate else {
            return Application(
                router: router, server: .http1(configuration: .countersign), configuration: listener,
                services: services + frontEnds, onServerRunning: onServerRunning, logger: logger)
        }
        let streams = HTTP2UpgradeChannel.Configuration(streamConfiguration: .countersign)
        return Application(
            router: router,
            server: try .http2Upgrade(tlsConfiguration: certificate.tlsConfiguration, configuration: streams),
            configuration: listener, services: services + frontEnds, onServerRunning: onServerRunning, logger: logger)
    }
}
