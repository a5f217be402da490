import CountersignCore
import CountersignStore
import Foundation
import Hummingbird
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

    public static func build(_ configuration: ServerConfiguration) throws -> CountersignApplication {
        let secrets = try SecretBox(masterKey: configuration.masterKey)
        let store: any RegistryStore
        switch configuration.storage {
        case .sqlite(let path): store = try SQLiteRegistryStore.open(path: path, secrets: secrets)
        }
        let environment = ServerEnvironment(
            store: store, clock: configuration.clock, settings: configuration.settings)
        return CountersignApplication(
            configuration: configuration, environment: environment,
            services: makeServices(configuration, environment))
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
    public func makeHTTPApplication(
        serverName: String? = nil, logger: Logger = Logger(label: "countersign"), frontEnds: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: CountersignRouter.make(environment: environment),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: serverName ?? configuration.settings.serverName),
            services: services + frontEnds, onServerRunning: onServerRunning, logger: logger)
    }
}
