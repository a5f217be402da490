import CountersignCore
import CountersignStore
import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Starts `countersign server`: opens the data directory, migrates the database, makes the first
/// admin token, and serves until SIGTERM or SIGINT, then shuts down gracefully.
public struct ServerRunner: Sendable {
    public struct Options: Sendable {
        public var dataPath: String
        public var host: String
        public var port: Int
        public var publicURL: URL?
        public var serverName: String
        public var activationCodeLifetime: TimeInterval
        /// Development mode: create and activate a local provider when none is active, start the
        /// push gateway emulator, and point the local provider's push credentials at it.
        public var development: Bool
        /// In development mode, serve TLS with a certificate from a local CA in the data folder
        /// (unless `tls` names one).
        public var developmentTLS = true
        /// The emulator's push-services and control ports in development mode.
        public var gatewayPort: Int = 8443
        public var gatewayControlPort: Int = 8444
        public var challengeTimeout: TimeInterval = ServerSettings.defaultChallengeTimeout
        public var pushLimits = PushLimits()
        public var lockout = LockoutPolicy()
        public var phoneLimits = PhoneLimits()
        /// Days the auth log is kept; 0 keeps it all.
        public var logRetentionDays = 0
        /// The bearer token `/metrics` requires; without one it answers loopback only.
        public var metricsToken: String?
        /// A PostgreSQL database shared with other nodes; nil keeps SQLite in the data directory.
        public var database: PostgresLocation?
        /// This node's name among those sharing the database.
        public var nodeName = "countersign"
        /// Listeners beside HTTP (RADIUS), made from the environment once it is built.
        public var frontEnds: [@Sendable (ServerEnvironment) throws -> any Service] = []
        /// The listener's certificate chain and private key (PEM files): TLS, read again on SIGHUP.
        public var tls: (certificate: String, key: String)?
        /// Plain HTTP on an address other than loopback, for a server behind a proxy that does TLS.
        public var allowPlainHTTP = false
        /// The server's log level; nil takes `LOG_LEVEL` from the environment, else info.
        public var logLevel: Logger.Level?

        public init(
            dataPath: String, host: String, port: Int, publicURL: URL?, serverName: String,
            activationCodeLifetime: TimeInterval, development: Bool
        ) {
            self.dataPath = dataPath
            self.host = host
            self.port = port
            self.publicURL = publicURL
            self.serverName = serverName
            self.activationCodeLifetime = activationCodeLifetime
            self.development = development
        }
    }

    public static let developmentProvider = "local-dev"

    let options: Options
    let output: @Sendable (String) -> Void

    /// By default `output` writes straight to standard output, unbuffered, so that the admin token
    /// and the listening line reach a log file as they happen.
    public init(
        options: Options,
        output: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    ) {
        self.options = options
        self.output = output
    }

    public func run() async throws {
        var logger = Logger(label: "countersign")
        logger.logLevel =
            options.logLevel ?? ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
            ?? .info

        let directory = try DataDirectory(path: options.dataPath)
        var tls = options.tls
        var developmentCA: String?
        if tls == nil, options.development, options.developmentTLS {
            let files = try DevelopmentTLS.prepare(in: directory.url.appendingPathComponent("tls"))
            tls = (files.certificate, files.key)
            developmentCA = files.authority
            output(
                "Development mode: TLS with a local CA; clients trust it with --ca-file \(files.authority) (or COUNTERSIGN_CA_FILE)"
            )
        }
        let certificate = try tls.map {
            do {
                return try ServerCertificate(certificatePath: $0.certificate, keyPath: $0.key)
            } catch let unusable as ServerCertificate.Unusable {
                throw Validation.Failure(unusable.description)
            }
        }
        let loopback = Self.isLoopback(options.host)
        if certificate == nil, !loopback {
            guard options.allowPlainHTTP else {
                throw Validation.Failure(
                    "plain HTTP is for loopback only: give --tls-cert and --tls-key to serve \(options.host), or --allow-plain-http behind a proxy that does TLS"
                )
            }
            output(
                "Warning: serving plain HTTP on \(options.host) (--allow-plain-http): admin tokens, client keys and phones' requests cross the network unencrypted unless a proxy in front does TLS"
            )
        }
        let scheme = certificate == nil ? "http" : "https"
        let publicURL = options.publicURL ?? URL(string: "\(scheme)://\(Self.urlHost(options.host)):\(options.port)")
        guard let publicURL else {
            throw Validation.Failure("cannot form a URL from \(options.host):\(options.port)")
        }
        let storage: ServerConfiguration.Storage =
            options.database.map { .postgres($0, node: options.nodeName) } ?? .sqlite(path: directory.databasePath)
        var configuration = ServerConfiguration(
            storage: storage, masterKey: try directory.loadOrCreateMasterKey(),
            settings: ServerSettings(
                serverName: options.serverName, publicURL: publicURL,
                activationCodeLifetime: options.activationCodeLifetime, serverIP: options.host,
                challengeTimeout: options.challengeTimeout, pushLimits: options.pushLimits,
                lockout: options.lockout, phoneLimits: options.phoneLimits, metricsToken: options.metricsToken),
            host: options.host, port: options.port, logRetentionDays: options.logRetentionDays)
        configuration.certificate = certificate
        let built = try await CountersignApplication.open(configuration, logger: logger)
        let environment = built.environment

        if let token = try await environment.adminTokens.bootstrap(
            writingTo: directory.adminTokenPath, now: environment.clock.now())
        {
            output(
                """
                Initial admin token (shown once; also saved to \(directory.adminTokenPath), mode 0600):
                  \(token)
                """)
        }
        var gateway: DevelopmentGateway?
        if options.development {
            try await ensureDevelopmentActivation(environment)
            let started = try await DevelopmentGateway.start(
                dataDirectory: directory.url, port: options.gatewayPort, controlPort: options.gatewayControlPort,
                serverCA: developmentCA)
            gateway = started
            if try await environment.store.currentActivation()?.provider == Self.developmentProvider {
                try await Administration(environment: environment)
                    .setPushCredentials(started.settings, provider: Self.developmentProvider)
                try await environment.store.setTelephonySettings(started.telephony, provider: Self.developmentProvider)
                // Numbers from the range reserved for fiction, so nothing real is ever dialled.
                _ = try await environment.store.updateProviderSettings(name: Self.developmentProvider) { settings in
                    if settings.smsLongNumber == nil { settings.smsLongNumber = "+15555550100" }
                    if settings.voiceCallerId == nil { settings.voiceCallerId = "+15555550199" }
                }
            }
            output(
                "Development mode: push, SMS and voice gateway emulator on https://127.0.0.1:\(options.gatewayPort), phones reach it at http://127.0.0.1:\(options.gatewayControlPort)"
            )
        }
        defer { gateway?.stop() }

        let reloads = Self.reloadOnHangUp(certificate, output: output)
        defer { reloads.cancel() }
        let app = try built.makeHTTPApplication(
            serverName: options.serverName, logger: logger,
            frontEnds: try options.frontEnds.map { try $0(environment) },
            onServerRunning: { [output] _ in
                let data =
                    options.database.map { "database: \($0), node \(options.nodeName)" }
                    ?? "data: \(directory.url.path)"
                output("Countersign is listening on \(publicURL.absoluteString) (\(data))")
            })
        try await app.runService()
        await environment.push.invalidate()
        // Keep the directory lock until the server has stopped.
        withExtendedLifetime(directory) {}
        output("Countersign stopped")
    }

    /// SIGHUP reads the certificate and key again (after a renewal); a pair that cannot be used is
    /// reported and the one in use stays. Without TLS there is nothing to read, and SIGHUP, whose
    /// default is to end the process, is still caught.
    static func reloadOnHangUp(_ certificate: ServerCertificate?, output: @escaping @Sendable (String) -> Void)
        -> any DispatchSourceSignal
    {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            guard let certificate else { return output("SIGHUP: no TLS certificate to read again") }
            do {
                try certificate.reload()
                output("TLS certificate read again from \(certificate.certificatePath)")
            } catch {
                output("TLS certificate not changed, the one in use stays: \(error)")
            }
        }
        source.resume()
        return source
    }

    /// 127.0.0.0/8, ::1 and localhost: the only addresses plain HTTP is served on by default.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        guard let bytes = AddressRange.bytes(of: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) else {
            return false
        }
        return bytes.count == 4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    static func urlHost(_ host: String) -> String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    /// Development mode links the server to a local provider the first time it starts.
    func ensureDevelopmentActivation(_ environment: ServerEnvironment) async throws {
        guard try await environment.store.currentActivation() == nil else { return }
        let now = environment.clock.now()
        do {
            _ = try await environment.store.createProvider(
                NewProvider(name: Self.developmentProvider, billing: .perUser, tenant: "local"), now: now)
        } catch StoreError.providerExists {}
        let activation = try await Administration(environment: environment).activate(provider: Self.developmentProvider)
        output("Development mode: activated with provider '\(Self.developmentProvider)' (activation \(activation.id))")
    }
}
