import ArgumentParser
import CountersignCore
import CountersignRADIUS
import CountersignServer
import CountersignStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the Countersign server on an embedded SQLite database.")

    @Option(
        help:
            "A config file of 'name = value' lines, one per flag of this command without its dashes (listen = 0.0.0.0:8180). Each flag may also come from the environment as COUNTERSIGN_ and its name in capitals (COUNTERSIGN_TLS_CERT). The command line wins over the environment, and the environment over the file (default: $COUNTERSIGN_CONFIG)."
    )
    var config: String?

    @Option(help: "The data directory: database, master key, admin token. Created on first start.")
    var data: String = "./data"

    @Option(help: "The least important log messages written: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevel = .info

    @Option(help: "How log messages are written to standard error: text, or json (one object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8180"

    @Option(
        help:
            "The URL phones use to reach this server, put in pairing URLs (default: https://HOST:PORT with --tls-cert, http://HOST:PORT without)."
    )
    var publicURL: String?

    @Option(
        help:
            "This server's TLS certificate chain (PEM, leaf first). With --tls-key the listener serves HTTPS, HTTP/2 and HTTP/1.1, TLS 1.2 or later; SIGHUP reads both files again."
    )
    var tlsCert: String?

    @Option(help: "The private key (PEM) of --tls-cert.")
    var tlsKey: String?

    @Flag(
        help:
            "Serve plain HTTP on an address other than loopback, for a server behind a proxy that does TLS. Without it, plain HTTP is served on loopback only."
    )
    var allowPlainHttp = false

    @Option(help: "This server's name, shown in status and written to the auth log.")
    var name: String = ProcessInfo.processInfo.hostName

    @Option(help: "How long an activation code stays valid, in seconds.")
    var codeLifetime: Int = Int(ServerSettings.defaultActivationCodeLifetime)

    @Option(help: "How long a user has to answer a push, in seconds, when the application does not say.")
    var authTimeout: Int = Int(ServerSettings.defaultChallengeTimeout)

    @Option(help: "Push fatigue: pushes waiting for an answer at once, per user.")
    var maxPendingPushes: Int = PushLimits().maxPending

    @Option(help: "Push fatigue: pushes per user in --push-window-minutes without an approval.")
    var maxPushesWithoutSuccess: Int = PushLimits().maxWithoutSuccess

    @Option(help: "Push fatigue: the window for --max-pushes-without-success, in minutes.")
    var pushWindowMinutes: Int = Int(PushLimits().window / 60)

    @Option(
        help:
            "Wrong one-time codes in a row, from all sources together, before a user's code methods lock (1-100); the lock doubles each time. Before that, each client and address is slowed down after 5 wrong codes."
    )
    var lockoutAfter: Int = LockoutPolicy().maxFailures

    @Option(help: "How long a texted SMS code stays valid, in seconds (pfsvc_pendingSmsTimeoutSeconds; 30-3600).")
    var smsCodeTimeout: Int = Int(PhoneLimits.defaultSMSCodeLifetime)

    @Option(help: "SMS codes and voice calls per user in 5 minutes (1-100).")
    var maxPhoneSends: Int = PhoneLimits().maxSends

    @Option(help: "Days to keep the auth log (0 keeps it all); the current month is never pruned.")
    var logRetentionDays: Int = 0

    @Option(help: "How long a fraud report blocks push for the user, in minutes.")
    var fraudBlockMinutes: Int = Int(PushLimits().fraudBlock / 60)

    @Flag(
        help:
            "Development mode: link to a local provider on first start and run the push gateway emulator, so a simulated phone can pair and get pushes at once."
    )
    var dev = false

    @Flag(
        help:
            "In development mode, serve plain HTTP on loopback instead of TLS with the development CA (data/tls/ca.pem)."
    )
    var devPlainHttp = false

    @Option(
        help:
            "The bearer token /metrics requires (default: $COUNTERSIGN_METRICS_TOKEN); without one, /metrics answers this machine only."
    )
    var metricsToken: String?

    @Option(
        help:
            "A PostgreSQL database to share with other nodes: postgres://USER:PASSWORD@HOST:PORT/DATABASE (default: $COUNTERSIGN_DATABASE_URL; without either, SQLite in the data directory). Every node needs the same master key."
    )
    var database: String?

    @Option(
        help:
            "This node's name among the nodes sharing a PostgreSQL database (default: NAME:PORT, from --name and --listen)."
    )
    var nodeName: String?

    @Option(
        help:
            "HOST:PORT to answer RADIUS on (UDP; 1812 is the standard port). Off unless given; clients are added with 'countersign radius-client add'."
    )
    var radius: String?

    @Option(
        help:
            "HOST:PORT to answer RadSec on (RADIUS over TLS, RFC 6614; 2083 is the standard port). Needs --radsec-cert, --radsec-key and --radsec-ca."
    )
    var radsec: String?
    @Option(help: "RadSec: this server's certificate chain (PEM).") var radsecCert: String?
    @Option(help: "RadSec: this server's private key (PEM).") var radsecKey: String?
    @Option(help: "RadSec: the CA certificates (PEM) that signed the clients' certificates; clients must present one.")
    var radsecCa: String?

    @Option(help: "In development mode, the push gateway emulator's TLS port.") var gatewayPort: Int = 8443
    @Option(help: "In development mode, the emulator's control port, where simulated phones reach it.")
    var gatewayControlPort: Int = 8444

    func validate() throws {
        _ = try parsedListen()
        if let radius { _ = try Self.hostPort(radius, flag: "--radius") }
        if let radsec {
            _ = try Self.hostPort(radsec, flag: "--radsec")
            for (flag, path) in [("--radsec-cert", radsecCert), ("--radsec-key", radsecKey), ("--radsec-ca", radsecCa)]
            {
                guard let path else { throw ValidationError("--radsec needs \(flag)") }
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ValidationError("\(flag) '\(path)' is not a file this user can read")
                }
            }
        } else if radsecCert != nil || radsecKey != nil || radsecCa != nil {
            throw ValidationError("--radsec-cert, --radsec-key and --radsec-ca go with --radsec HOST:PORT")
        }
        if devPlainHttp, !dev { throw ValidationError("--dev-plain-http goes with --dev") }
        switch (tlsCert, tlsKey) {
        case (nil, nil): break
        case (let cert?, let key?):
            for (flag, path) in [("--tls-cert", cert), ("--tls-key", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag) '\(path)' is not a file this user can read")
            }
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        if let publicURL, URL(string: publicURL)?.host == nil {
            throw ValidationError("--public-url '\(publicURL)' is not a URL such as https://mfa.example.com")
        }
        guard codeLifetime > 0, TimeInterval(codeLifetime) <= ServerSettings.maxActivationCodeLifetime else {
            throw ValidationError(
                "--code-lifetime must be between 1 and \(Int(ServerSettings.maxActivationCodeLifetime)) seconds")
        }
        guard authTimeout >= 5, TimeInterval(authTimeout) <= ServerSettings.maxChallengeTimeout else {
            throw ValidationError(
                "--auth-timeout must be between 5 and \(Int(ServerSettings.maxChallengeTimeout)) seconds")
        }
        _ = try pushLimits()
        guard (1...LockoutPolicy.highestMaxFailures).contains(lockoutAfter) else {
            throw ValidationError("--lockout-after must be between 1 and \(LockoutPolicy.highestMaxFailures)")
        }
        guard (30...Int(PhoneLimits.maxSMSCodeLifetime)).contains(smsCodeTimeout) else {
            throw ValidationError(
                "--sms-code-timeout must be between 30 and \(Int(PhoneLimits.maxSMSCodeLifetime)) seconds")
        }
        guard (0...36_500).contains(logRetentionDays) else {
            throw ValidationError("--log-retention-days must be between 0 and 36500")
        }
        if let token = metricsToken ?? ProcessInfo.processInfo.environment["COUNTERSIGN_METRICS_TOKEN"],
            token.utf8.count < 16 || token.contains(where: \.isWhitespace)
        {
            throw ValidationError("--metrics-token must be at least 16 characters with no spaces")
        }
        guard (1...100).contains(maxPhoneSends) else {
            throw ValidationError("--max-phone-sends must be between 1 and 100")
        }
    }

    func pushLimits() throws -> PushLimits {
        for (flag, value, range) in [
            ("--max-pending-pushes", maxPendingPushes, 1...100),
            ("--max-pushes-without-success", maxPushesWithoutSuccess, 1...1000),
            ("--push-window-minutes", pushWindowMinutes, 1...1440),
            ("--fraud-block-minutes", fraudBlockMinutes, 0...525_600),
        ] where !range.contains(value) {
            throw ValidationError("\(flag) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return PushLimits(
            maxPending: maxPendingPushes, maxWithoutSuccess: maxPushesWithoutSuccess,
            window: TimeInterval(pushWindowMinutes * 60), fraudBlock: TimeInterval(fraudBlockMinutes * 60))
    }

    func parsedListen() throws -> (host: String, port: Int) { try Self.hostPort(listen, flag: "--listen") }

    static func hostPort(_ text: String, flag: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon > text.startIndex
        else { throw ValidationError("\(flag) '\(text)' is not HOST:PORT, e.g. 127.0.0.1:8180") }
        return (String(text[..<colon]), port)
    }

    func run() async throws {
        logFormat.bootstrap(level: logLevel.level)
        let (host, port) = try parsedListen()
        var options = ServerRunner.Options(
            dataPath: data, host: host, port: port, publicURL: publicURL.flatMap(URL.init(string:)), serverName: name,
            activationCodeLifetime: TimeInterval(codeLifetime), development: dev)
        options.tls = tlsCert.flatMap { cert in tlsKey.map { (cert, $0) } }
        options.allowPlainHTTP = allowPlainHttp
        options.developmentTLS = !devPlainHttp
        options.logLevel = logLevel.level
        options.gatewayPort = gatewayPort
        options.gatewayControlPort = gatewayControlPort
        options.challengeTimeout = TimeInterval(authTimeout)
        options.pushLimits = try pushLimits()
        options.lockout = LockoutPolicy(maxFailures: lockoutAfter)
        options.logRetentionDays = logRetentionDays
        options.metricsToken = metricsToken ?? ProcessInfo.processInfo.environment["COUNTERSIGN_METRICS_TOKEN"]
        options.phoneLimits = PhoneLimits(smsCodeLifetime: TimeInterval(smsCodeTimeout), maxSends: maxPhoneSends)
        if let url = database ?? ProcessInfo.processInfo.environment["COUNTERSIGN_DATABASE_URL"], !url.isEmpty {
            do {
                options.database = try PostgresLocation(url: url)
            } catch let invalid as PostgresLocation.Invalid {
                throw ValidationError(invalid.description)
            }
        }
        let node = nodeName ?? "\(name):\(port)"
        guard node.count <= 200, !node.isEmpty, node.allSatisfy({ !$0.isNewline }) else {
            throw ValidationError("--node-name must be 1 to 200 characters on one line")
        }
        options.nodeName = node
        if let radius {
            let (radiusHost, radiusPort) = try Self.hostPort(radius, flag: "--radius")
            options.frontEnds.append { environment in
                RadiusListener(environment: environment, host: radiusHost, port: radiusPort) { bound in
                    FileHandle.standardOutput.write(Data("RADIUS is listening on udp \(bound)\n".utf8))
                }
            }
        }
        if let radsec, let certificate = radsecCert, let key = radsecKey, let clientCA = radsecCa {
            let (radsecHost, radsecPort) = try Self.hostPort(radsec, flag: "--radsec")
            options.frontEnds.append { environment in
                try RadSecListener(
                    environment: environment, host: radsecHost, port: radsecPort, certificate: certificate, key: key,
                    clientCA: clientCA
                ) { bound in
                    FileHandle.standardOutput.write(Data("RadSec is listening on tcp \(bound)\n".utf8))
                }
            }
        }
        // Files the server makes (database, WAL, keys) are for its own user only.
        umask(0o077)
        try await ServerRunner(options: options).run()
    }
}
