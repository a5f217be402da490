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
            let name = try context.pathParameter("name")
            let settings = try await request.decodeJSON(ProviderPushSettings.self, context: context)
            try await Administration(environment: environment).setPushCredentials(settings, provider: name)
            context.logger.notice("push credentials replaced", metadata: ["provider": "\(name)"])
            return try JSONResponse.make(Self.view(settings, provider: name))
        }

        group.get("providers/:name/push") { _, context in
            let name = try context.pathParameter("name")
            guard let settings = try await environment.store.pushSettings(provider: name) else {
                throw UseCaseError.noPushCredentials(provider: name)
            }
            return try JSONResponse.make(Self.view(settings, provider: name))
        }

        group.post("devices/:id/test-push") { request, context in
            let id = try context.pathParameter("id")
            let options = try await request.decodeOptionalJSON(
                TestPushRequest.self, absent: TestPushRequest(ttlSeconds: nil), context: context)
            let lifetime = TimeInterval(options.ttlSeconds ?? Int(Self.testPushLifetime))
            guard (1...3600).contains(lifetime) else {
                throw Validation.Failure("ttlSeconds must be between 1 and 3600")
            }
            let (messageId, deadline) = try await Administration(environment: environment)
                .queueTestPush(deviceId: id, lifetime: lifetime)
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
