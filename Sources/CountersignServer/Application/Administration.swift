import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// The administrator's changes whose effects reach beyond their own rows: each publishes what it
/// changed after the commit, and the subscribers (caches, push clients, wake-ups) do the rest.
public struct Administration: Sendable {
    let environment: ServerEnvironment

    public init(environment: ServerEnvironment) { self.environment = environment }

    /// Links an unactivated server to a provider with a new server key.
    public func activate(provider: String) async throws -> Activation {
        let activation = try await environment.store.activate(
            providerName: provider, serverKey: P256.Signing.PrivateKey(), now: environment.clock.now())
        await environment.events.publish(.activationChanged(endedSignIns: []))
        return activation
    }

    /// Re-links the server: every app paired before must pair again.
    public func reactivate(provider: String, force: Bool) async throws -> ReactivationSummary {
        let (result, ended) = try await environment.store.reactivate(
            providerName: provider, force: force, serverKey: P256.Signing.PrivateKey(),
            origin: environment.settings.logOrigin, now: environment.clock.now())
        await environment.events.publish(.activationChanged(endedSignIns: ended))
        return result
    }

    /// Replaces a provider's push credentials; the next push uses them.
    public func setPushCredentials(_ settings: ProviderPushSettings, provider: String) async throws {
        try PushClients.validate(settings)
        try await environment.store.setPushSettings(settings, provider: provider)
        await environment.events.publish(.pushCredentialsChanged(provider: provider))
    }

    /// Ends a sign-in still waiting for its user, whichever client started it: it fails with the
    /// reason given, and a long-poll on it returns at once.
    public func cancelSignIn(id: String) async throws -> AuthTransaction {
        let ended = try await environment.store.cancelSignIn(
            id: id, reason: Self.cancelledReason, origin: environment.settings.logOrigin, now: environment.clock.now())
        await environment.events.publish(.signInsChanged(ids: [id]))
        return ended
    }

    static let cancelledReason = "cancelled by an administrator"

    /// Clears what a user registered so they start again; the sign-ins it ends wake their long-polls.
    public func resetUser(name: String) async throws -> UserResetSummary {
        let summary = try await environment.store.resetUser(
            name, origin: environment.settings.logOrigin, now: environment.clock.now())
        if !summary.endedSignIns.isEmpty {
            await environment.events.publish(.signInsChanged(ids: summary.endedSignIns))
        }
        return summary
    }

    /// Deletes a client: its API key stops working with the next request.
    public func deleteClient(name: String) async throws {
        try await environment.store.deleteRelyingParty(name: name)
        await environment.events.publish(.clientDeleted(name: name))
    }

    /// Removes a paired app from the registry.
    public func removeDevice(id: String) async throws -> Device {
        let device = try await environment.store.removeDevice(id: id, now: environment.clock.now())
        await environment.events.publish(.deviceRemoved(id: id))
        return device
    }

    /// Queues a test notification for a device through the push outbox; returns the message and its deadline.
    public func queueTestPush(deviceId: String, lifetime: TimeInterval) async throws -> (id: String, deadline: Date) {
        let device = try await environment.store.device(id: deviceId)
        guard device.status == .active, device.platform != .pollOnly, device.hasPushToken else {
            throw UseCaseError.cannotPush(deviceId: deviceId, status: device.status, platform: device.platform)
        }
        let now = environment.clock.now()
        let deadline = now.addingTimeInterval(lifetime)
        let id = try await environment.store.enqueuePush(
            deviceId: deviceId, payload: #"{"kind":"test"}"#, collapseId: nil, deadline: deadline, now: now)
        await environment.events.publish(.pushQueued)
        return (id, deadline)
    }
}
