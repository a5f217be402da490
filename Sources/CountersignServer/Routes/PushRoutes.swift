import CountersignCore
import CountersignPush
import Foundation
import Hummingbird

/// Push credentials, test notifications and the outbox's state.
struct PushRoutes {
    static let testPushLifetime: TimeInterval = 60
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.put("providers/:name/push") { request, context in
            let name = try context.parameters.require("name")
            let settings = try await request.decodeJSON(ProviderPushSettings.self, context: context)
            try PushClients.validate(settings)
            try await environment.store.setPushSettings(settings, provider: name)
            await environment.push.invalidate()
            context.logger.notice("push credentials replaced", metadata: ["provider": "\(name)"])
            return try JSONResponse.make(Self.view(settings, provider: name))
        }

        group.get("providers/:name/push") { _, context in
            let name = try context.parameters.require("name")
            guard let settings = try await environment.store.pushSettings(provider: name) else {
                throw APIError(.notFound, code: "not_found", "provider '\(name)' has no push credentials")
            }
            return try JSONResponse.make(Self.view(settings, provider: name))
        }

        group.post("devices/:id/test-push") { request, context in
            let id = try context.parameters.require("id")
            let options = try await request.decodeOptionalJSON(
                TestPushRequest.self, absent: TestPushRequest(ttlSeconds: nil), context: context)
            let lifetime = TimeInterval(options.ttlSeconds ?? Int(Self.testPushLifetime))
            guard (1...3600).contains(lifetime) else { throw APIError.invalid("ttlSeconds must be between 1 and 3600") }
            let device = try await environment.store.device(id: id)
            guard device.status == .active, device.platform != .pollOnly, device.hasPushToken else {
                throw APIError(
                    .conflict, code: "cannot_push",
                    "device \(id) cannot receive push (status \(device.status.rawValue), platform \(device.platform.rawValue))"
                )
            }
            let now = environment.clock.now()
            let deadline = now.addingTimeInterval(lifetime)
            let messageId = try await environment.store.enqueuePush(
                deviceId: id, payload: #"{"kind":"test"}"#, collapseId: nil, deadline: deadline, now: now)
            await environment.wakeUps.signal([WakeUps.outbox])
            return try JSONResponse.make(TestPushView(id: messageId, device: id, deadline: deadline), status: .accepted)
        }

        group.get("push/outbox") { _, _ in
            let counts = try await environment.store.pushOutboxCounts()
            return try JSONResponse.make(
                PushOutboxView(
                    queued: counts.queued, sending: counts.sending, sent: counts.sent, failed: counts.failed,
                    expired: counts.expired, cancelled: counts.cancelled))
        }
    }

    static func view(_ settings: ProviderPushSettings, provider: String) -> ProviderPushSettingsView {
        let projectId = settings.fcm.flatMap {
            try? JSONDecoder().decode(FCMServiceAccount.self, from: Data($0.serviceAccountJSON.utf8)).projectId
        }
        return ProviderPushSettingsView(provider: provider, settings: settings, fcmProjectId: projectId)
    }
}
