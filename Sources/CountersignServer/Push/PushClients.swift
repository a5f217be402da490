import CountersignCore
import CountersignPush
import CountersignStore
import Foundation
import Logging

/// The push clients for the current provider's credentials, built on first use and rebuilt after
/// the credentials or the activation change.
public actor PushClients: PushSender {
    private let store: any ActivationStore & ProviderStore
    private let clock: any WallClock
    typealias Built = (sender: ProviderPushSender, transports: [any PushTransport])
    private var current: Built?
    /// The build in progress: concurrent first sends share it instead of each opening connections.
    private var building: Task<Built, any Error>?
    /// Bumped by `invalidate`, so a build that started before it is not kept.
    private var generation = 0

    public init(store: any ActivationStore & ProviderStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public func send(_ push: PendingPush) async throws -> PushOutcome {
        try await sender().send(push)
    }

    func sender() async throws -> ProviderPushSender {
        if let current { return current.sender }
        if let building { return try await building.value.sender }
        let startedGeneration = generation
        let task = Task { [store, clock] () throws -> Built in
            guard let activation = try await store.currentActivation() else {
                return (ProviderPushSender(apns: nil, apnsTopic: "", fcm: nil, clock: clock), [])
            }
            return try Self.build(try await store.pushSettings(provider: activation.provider), clock: clock)
        }
        building = task
        defer { building = nil }
        let built = try await task.value
        guard generation == startedGeneration else {
            // The credentials changed while these were being built: use them once, keep nothing.
            Task { for transport in built.transports { try? await transport.shutdown() } }
            return built.sender
        }
        current = built
        return built.sender
    }

    /// Drops the clients (closing their connections) so the next send uses new credentials.
    public func invalidate() async {
        generation += 1
        guard let old = current else { return }
        current = nil
        for transport in old.transports { try? await transport.shutdown() }
    }

    public static func build(_ settings: ProviderPushSettings?, clock: any WallClock) throws
        -> (sender: ProviderPushSender, transports: [any PushTransport])
    {
        var transports: [any PushTransport] = []
        var apns: APNsClient?
        if let settings = settings?.apns {
            let transport = try HTTP2PushTransport(baseURL: settings.baseURL, trustRootsPEM: settings.trustRootsPEM)
            transports.append(transport)
            apns = APNsClient(
                transport: transport,
                tokens: try APNsProviderTokens(
                    privateKeyPEM: settings.privateKeyPEM, keyId: settings.keyId, teamId: settings.teamId, clock: clock),
                clock: clock)
        }
        var fcm: FCMClient?
        if let settings = settings?.fcm {
            let transport = try HTTP2PushTransport(baseURL: settings.baseURL, trustRootsPEM: settings.trustRootsPEM)
            // Access tokens come from the account's token URI, on another host in production.
            let tokenTransport = try HTTPPushTransport(
                baseURL: settings.baseURL, trustRootsPEM: settings.trustRootsPEM)
            transports += [transport, tokenTransport]
            let account = try JSONDecoder().decode(FCMServiceAccount.self, from: Data(settings.serviceAccountJSON.utf8))
            fcm = try FCMClient(transport: transport, tokenTransport: tokenTransport, account: account, clock: clock)
        }
        return (
            ProviderPushSender(apns: apns, apnsTopic: settings?.apns?.topic ?? "", fcm: fcm, clock: clock), transports
        )
    }

    /// Checks that credentials can be used before they are stored: keys parse, the account file reads.
    public static func validate(_ settings: ProviderPushSettings) throws {
        if let apns = settings.apns {
            for (field, value) in [("keyId", apns.keyId), ("teamId", apns.teamId), ("topic", apns.topic)]
            where value.isEmpty {
                throw Validation.Failure("apns.\(field) is required")
            }
            guard let url = URL(string: apns.baseURL), url.scheme == "https" else {
                throw Validation.Failure("apns.baseURL must be an https URL")
            }
            do {
                _ = try APNsProviderTokens(privateKeyPEM: apns.privateKeyPEM, keyId: apns.keyId, teamId: apns.teamId)
            } catch {
                throw Validation.Failure("apns.privateKeyPEM is not a P-256 private key in PEM (.p8) form")
            }
        }
        if let fcm = settings.fcm {
            guard let url = URL(string: fcm.baseURL), url.scheme == "https" else {
                throw Validation.Failure("fcm.baseURL must be an https URL")
            }
            guard
                let account = try? JSONDecoder().decode(FCMServiceAccount.self, from: Data(fcm.serviceAccountJSON.utf8))
            else {
                throw Validation.Failure(
                    "fcm.serviceAccountJSON is not a service-account key file (project_id, private_key, client_email, token_uri)"
                )
            }
            do { _ = try FCMAccessTokens(account: account) { _, _ in (500, Data()) } } catch {
                throw Validation.Failure("the service account's private_key is not an RSA key in PEM form")
            }
        }
    }
}
