import CountersignCore
import CountersignStore
import Foundation
import Prometheus

/// Settings an operator chooses when starting the server.
public struct ServerSettings: Sendable {
    /// Shown in `status` and written to the auth log.
    public var serverName: String
    /// The address phones use to reach this server; it goes into pairing URLs.
    public var publicURL: URL
    public var activationCodeLifetime: TimeInterval
    /// This server's address as the auth log records it.
    public var serverIP: String?
    /// How long a user has to answer a push when the application does not say.
    public var challengeTimeout: TimeInterval
    public var pushLimits: PushLimits
    public var lockout: LockoutPolicy
    public var phoneLimits: PhoneLimits
    /// The bearer token Prometheus sends for `/metrics`; without one, `/metrics` answers loopback only.
    public var metricsToken: String?

    public static let defaultActivationCodeLifetime: TimeInterval = 600
    public static let defaultChallengeTimeout: TimeInterval = 60
    /// No sign-in waits longer than this for its answer.
    public static let maxChallengeTimeout: TimeInterval = 600
    /// An activation code outliving a week is more likely leaked than used.
    public static let maxActivationCodeLifetime: TimeInterval = 7 * 24 * 3600

    public init(
        serverName: String, publicURL: URL, activationCodeLifetime: TimeInterval = defaultActivationCodeLifetime,
        serverIP: String? = nil, challengeTimeout: TimeInterval = defaultChallengeTimeout,
        pushLimits: PushLimits = PushLimits(), lockout: LockoutPolicy = LockoutPolicy(),
        phoneLimits: PhoneLimits = PhoneLimits(), metricsToken: String? = nil
    ) {
        self.metricsToken = metricsToken
        self.lockout = lockout
        self.phoneLimits = phoneLimits
        self.serverName = serverName
        self.publicURL = publicURL
        self.activationCodeLifetime = activationCodeLifetime
        self.serverIP = serverIP
        self.challengeTimeout = challengeTimeout
        self.pushLimits = pushLimits
    }

    var logOrigin: AuthLogOrigin { AuthLogOrigin(serverName: serverName, serverIP: serverIP) }
}

/// A service's description (ServiceLifecycle logs them at debug level) reaches the settings: the
/// metrics token is never shown in it.
extension ServerSettings: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "ServerSettings(serverName: \(serverName), publicURL: \(publicURL), metricsToken: \(metricsToken == nil ? "none" : "set"))"
    }
    public var debugDescription: String { description }
}

/// What the routes share: storage, the clock, settings and metrics.
public struct ServerEnvironment: Sendable {
    public var store: any RegistryStore
    public var clock: any WallClock
    public var settings: ServerSettings
    public var metrics: PrometheusCollectorRegistry
    /// The current provider's push clients; also what the dispatcher sends through.
    public let push: PushClients
    /// Wakes long-polls when a sign-in is decided, and the dispatcher when a push is queued.
    public let wakeUps = WakeUps()
    /// The current provider's SMS and voice gateways.
    let telephony = TelephonyGateways()
    /// Activation signing keys, opened once each.
    let serverKeys: ServerKeys
    /// The current activation and client keys, read once instead of on every sign-in.
    let caches = RequestCaches()
    /// What committed writes publish; the caches, push clients and wake-ups above subscribe to it.
    public let events: EventStream
    /// The RADIUS clients the listener matches packets against.
    public let radiusClients: RadiusClientDirectory
    /// Set when several nodes share the store.
    public let cluster: Cluster?

    /// What a node sharing its store with others has beyond a lone server.
    public struct Cluster: Sendable {
        public let nodes: any NodeRegistry
        /// The longest a long-poll waits before reading the store again (a lost wake-up's cost).
        public let recheck: Duration

        public init(nodes: any NodeRegistry, recheck: Duration) {
            self.nodes = nodes
            self.recheck = recheck
        }
    }

    public init(
        store: any RegistryStore, clock: any WallClock = SystemWallClock(), settings: ServerSettings,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), events: EventStream = EventStream(),
        cluster: Cluster? = nil
    ) {
        self.cluster = cluster
        self.store = store
        self.clock = clock
        self.settings = settings
        self.metrics = metrics
        self.push = PushClients(store: store, clock: clock)
        self.serverKeys = ServerKeys(store: store)
        self.events = events
        self.radiusClients = RadiusClientDirectory(store: store)
        EventSubscriptions.attach(
            to: events, caches: caches, push: push, wakeUps: wakeUps, radiusClients: radiusClients)
    }

    var adminTokens: AdminTokens { AdminTokens(store: store) }
    var clientKeys: ClientKeys { ClientKeys(store: store, caches: caches) }
}
