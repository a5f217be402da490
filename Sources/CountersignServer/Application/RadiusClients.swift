import CountersignCore
import CountersignStore
import Foundation

/// The administrator's RADIUS clients: each change is checked whole before anything is stored,
/// and published after the commit, so every listener matches packets against the new list.
public struct RadiusClients: Sendable {
    let environment: ServerEnvironment

    public init(environment: ServerEnvironment) { self.environment = environment }

    public func add(_ request: RadiusClientRequest) async throws -> RadiusClient {
        guard let name = request.name else { throw Validation.Failure("a RADIUS client needs a name") }
        guard let address = request.address else {
            throw Validation.Failure("a RADIUS client needs the address it sends from (an IP or CIDR block)")
        }
        guard let secret = request.secret else { throw Validation.Failure("a RADIUS client needs its shared secret") }
        let settings = try Self.settings(request, applyingTo: RadiusClientSettings(network: try AddressRange(address)))
        let client = RadiusClient(
            name: try Validation.name(name, of: "RADIUS client"), secret: try Self.secret(secret, field: "secret"),
            settings: settings, createdAt: environment.clock.now())
        let added = try await environment.store.addRadiusClient(client)
        await environment.events.publish(.radiusClientsChanged)
        return added
    }

    public func list() async throws -> [RadiusClient] { try await environment.store.radiusClients() }

    public func client(named name: String) async throws -> RadiusClient {
        guard let found = try await list().first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame })
        else { throw StoreError.radiusClientNotFound(name) }
        return found
    }

    public func update(name: String, _ request: RadiusClientRequest) async throws -> RadiusClient {
        if let renamed = request.name, renamed.caseInsensitiveCompare(name) != .orderedSame {
            throw Validation.Failure("a RADIUS client cannot be renamed; add one under the new name")
        }
        let current = try await client(named: name)
        let settings = try Self.settings(request, applyingTo: current.settings)
        let secret = try request.secret.map { try Self.secret($0, field: "secret") }
        let updated = try await environment.store.updateRadiusClient(
            name: current.name, settings: settings, secret: secret)
        await environment.events.publish(.radiusClientsChanged)
        return updated
    }

    public func delete(name: String) async throws {
        try await environment.store.deleteRadiusClient(name: name)
        await environment.events.publish(.radiusClientsChanged)
    }

    /// `settings` with what the request gives, checked field by field and then as a whole.
    static func settings(_ request: RadiusClientRequest, applyingTo current: RadiusClientSettings) throws
        -> RadiusClientSettings
    {
        var settings = current
        if let address = request.address { settings.network = try AddressRange(address) }
        if let mode = request.mode { settings.mode = mode }
        if let timeout = request.timeoutSeconds {
            let range = RadiusClientSettings.timeoutRange
            guard range.contains(timeout) else {
                throw Validation.Failure("timeoutSeconds must be between \(range.lowerBound) and \(range.upperBound)")
            }
            settings.timeoutSeconds = timeout
        }
        if let require = request.requireMessageAuthenticator { settings.requireMessageAuthenticator = require }
        if let delimiter = request.delimiter {
            guard delimiter.count == 1, let character = delimiter.first, character.isASCII,
                character.isPunctuation || character.isSymbol
            else { throw Validation.Failure("the delimiter is one punctuation character, such as , or |") }
            settings.delimiter = delimiter
        }
        settings.firstFactor = try firstFactor(request, current: current.firstFactor)
        if case .radius(let server) = settings.firstFactor, server.timeoutSeconds >= settings.timeoutSeconds {
            throw Validation.Failure(
                "the first-factor server's timeout (\(server.timeoutSeconds) s) must be shorter than the client's (\(settings.timeoutSeconds) s)"
            )
        }
        return settings
    }

    static func firstFactor(_ request: RadiusClientRequest, current: RadiusFirstFactor) throws -> RadiusFirstFactor {
        let kind = request.firstFactor ?? current.name
        switch kind {
        case "none":
            guard request.upstream == nil, request.upstreamSecret == nil else {
                throw Validation.Failure("upstream and upstreamSecret need firstFactor radius")
            }
            return .none
        case "radius":
            var server: UpstreamRadiusServer?
            if case .radius(let existing) = current { server = existing }
            let timeout = request.upstreamTimeoutSeconds ?? server?.timeoutSeconds ?? 5
            guard (1...60).contains(timeout) else {
                throw Validation.Failure("upstreamTimeoutSeconds must be between 1 and 60")
            }
            guard let hostPort = request.upstream.map(Self.hostPort) ?? server.map({ .success(($0.host, $0.port)) })
            else { throw Validation.Failure("firstFactor radius needs upstream, the first-factor server as HOST:PORT") }
            let (host, port) = try hostPort.get()
            guard
                let secret = try request.upstreamSecret.map({ try Self.secret($0, field: "upstreamSecret") })
                    ?? server?.secret
            else {
                throw Validation.Failure("firstFactor radius needs upstreamSecret, the first-factor server's secret")
            }
            return .radius(UpstreamRadiusServer(host: host, port: port, secret: secret, timeoutSeconds: timeout))
        default:
            throw Validation.Failure("firstFactor must be none or radius, not '\(kind)'")
        }
    }

    /// RFC 2865 asks for secrets of at least 16 octets; a short one is guessed offline from one packet.
    static func secret(_ text: String, field: String) throws -> [UInt8] {
        guard (16...128).contains(text.utf8.count) else {
            throw Validation.Failure("the \(field) must be 16 to 128 characters (RFC 2865 asks for at least 16)")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Validation.Failure("the \(field) must not contain control characters")
        }
        return Array(text.utf8)
    }

    static func hostPort(_ text: String) -> Result<(String, Int), Validation.Failure> {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return .failure(Validation.Failure("upstream '\(text)' is not HOST:PORT, such as 10.0.0.5:1812")) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard AddressRange.bytes(of: host) != nil else {
            return .failure(Validation.Failure("upstream host '\(host)' must be an IP address"))
        }
        return .success((host, port))
    }
}
