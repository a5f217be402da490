import CountersignCore
import Foundation
import Hummingbird

/// The routes a phone calls. None takes an admin token: each is signed with the phone's key.
struct DeviceAPIRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("devices") { request, context in
            var request = request
            let body = Data(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
            let response = try await PairingService(environment: environment)
                .redeem(body: body, headers: request.headers, path: request.uri.path)
            context.logger.info(
                "device paired", metadata: ["device": "\(response.deviceId)", "user": "\(response.user)"])
            return try JSONResponse.make(response, status: .created)
        }

        group.put("devices/:id/push-token") { request, context in
            var request = request
            let deviceId = try context.pathParameter("id")
            let body = Data(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
            let verified = try await DeviceRequestVerifier(environment: environment)
                .verify(deviceId: deviceId, method: "PUT", path: request.uri.path, headers: request.headers, body: body)
            let update = try Request.decodeJSON(PushTokenUpdate.self, from: body)
            guard
                let token = try PairingService.validatedPushToken(
                    update.pushToken, platform: verified.credentials.platform)
            else {
                throw Validation.Failure("a poll-only device has no push token to replace")
            }
            let device = try await environment.store.updatePushToken(
                deviceId: deviceId, token: token, environment: update.environment,
                requestTimestampMillis: verified.timestampMillis, now: environment.clock.now())
            return try JSONResponse.make(device)
        }
    }
}
