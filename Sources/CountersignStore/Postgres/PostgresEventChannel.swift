import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// Messages between the nodes sharing a database, through LISTEN/NOTIFY. Listening takes a
/// connection of its own (a pooled one would carry the LISTEN back into the pool); sending goes
/// through the pool, inside no transaction, so a message leaves at once.
public final class PostgresEventChannel: Sendable {
    /// The channel every node listens on; one per schema, so installations sharing a database
    /// (the tests, schema by schema) do not hear each other.
    public let channel: String
    let database: PostgresDatabase
    let logger: Logger
    /// NOTIFY takes at most 8000 bytes of payload.
    public static let maxPayload = 7900

    init(database: PostgresDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
        self.channel = "countersign_events" + (database.location.searchPath.map { "_" + $0 } ?? "")
    }

    public func send(_ payload: String) async throws {
        try await send([payload])
    }

    /// Several messages in one statement, in order.
    public func send(_ payloads: [String]) async throws {
        guard !payloads.isEmpty else { return }
        if let large = payloads.first(where: { $0.utf8.count > Self.maxPayload }) {
            throw PostgresRefusal(sqlState: "22023", message: "an event of \(large.utf8.count) bytes is too large")
        }
        let sql = "SELECT " + Array(repeating: "pg_notify(?, ?)", count: payloads.count).joined(separator: ", ")
        let channel = self.channel
        try await database.withConnection { s in
            try await s.execute(sql, payloads.flatMap { [channel, $0] as [SQLValue] })
        }
    }

    /// Listens until the task is cancelled, on a dedicated connection that is made again (with a
    /// growing pause, up to `maxPause`) whenever it breaks. `listening` runs each time a LISTEN
    /// takes effect (messages sent while no connection listened are lost: the caller catches up
    /// there); `received` runs for every message, this node's own included.
    public func listen(
        maxPause: Duration = .seconds(5), listening: @escaping @Sendable () async -> Void,
        received: @escaping @Sendable (String) async -> Void
    ) async {
        var pause = Duration.milliseconds(100)
        var connectionID = 0
        while !Task.isCancelled {
            connectionID += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try configuration(), id: connectionID, logger: logger)
                pause = .milliseconds(100)
                defer { Task { try? await connection.close() } }
                // Closing the connection is what ends the wait for notifications when the task is
                // cancelled (a shutdown), whatever the sequence itself does with cancellation.
                try await withTaskCancellationHandler {
                    try await connection.listen(on: channel) { notifications in
                        await listening()
                        for try await notification in notifications { await received(notification.payload) }
                    }
                } onCancel: {
                    let _: EventLoopFuture<Void> = connection.close()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "cross-node events: the listening connection to \(database.location) failed (\(Self.describe(error))); trying again in \(pause)"
                )
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, maxPause)
        }
    }

    func configuration() throws -> PostgresConnection.Configuration {
        // Named after the channel, so an operator (or a test) can tell which listener is whose.
        try Self.configuration(for: database.location, applicationName: String(channel.prefix(63)))
    }

    /// A single connection's configuration for `location`, with the pool's TLS rules.
    static func configuration(
        for location: PostgresLocation, applicationName: String, connectTimeout: Duration = .seconds(5)
    ) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: PostgresDatabase.tlsConfiguration(location)))
        case .require: tls = .require(try NIOSSLContext(configuration: PostgresDatabase.tlsConfiguration(location)))
        }
        var configuration =
            if let socket = location.socketPath {
                PostgresConnection.Configuration(
                    unixSocketPath: socket, username: location.user, password: location.password,
                    database: location.database)
            } else {
                PostgresConnection.Configuration(
                    host: location.host, port: location.port, username: location.user, password: location.password,
                    database: location.database, tls: tls)
            }
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        var parameters = [("application_name", applicationName)]
        if let searchPath = location.searchPath { parameters.append(("search_path", searchPath)) }
        configuration.options.additionalStartupParameters = parameters
        return configuration
    }

    static func describe(_ error: any Error) -> String {
        // A refusal names the server's message; a broken connection, what broke it.
        if let error = error as? PSQLError {
            return error.serverInfo == nil ? PostgresDatabase.describe(error) : PostgresRefusal(error).description
        }
        return "\(error)"
    }
}

extension PostgresRegistryStore {
    /// The channel this store's nodes exchange events on.
    public func eventChannel(logger: Logger = Logger(label: "countersign.events")) -> PostgresEventChannel {
        PostgresEventChannel(database: database, logger: logger)
    }
}
