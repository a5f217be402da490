import CountersignCore
import Foundation
import Hummingbird

/// The emulator's own routes, used by `countersign-phone` and by tests.
struct GatewayControlRoutes: Sendable {
    struct FaultRequest: Codable {
        var token: String
        var status: Int
        var reason: String
        var retryAfter: Int?
        var remaining: Int?
    }

    let state: GatewayState
    let clock: any WallClock

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.post("devices") { request, context in
            let registration = try await request.decode(as: PushGatewayAPI.Registration.self, context: context)
            guard registration.platform != .pollOnly else {
                throw HTTPError(.badRequest, message: "platform is apns or fcm")
            }
            let device = try await state.register(platform: registration.platform, phone: registration.phone)
            return try GatewayServer.json(device, status: 201)
        }

        group.get("devices/:token/inbox") { request, context in
            let token = try context.parameters.require("token")
            guard await state.device(token) != nil else { throw HTTPError(.notFound, message: "unknown device token") }
            let after = request.uri.queryParameters["after"].flatMap { Int(String($0)) } ?? 0
            let deliveries = await state.arrivals.longPoll(seconds: Self.wait(request)) {
                await state.inbox(token, after: after)
            }
            return try GatewayServer.json(deliveries, status: 200)
        }

        // Every phone's deliveries in one feed, for benchmarks that simulate a fleet in one process.
        group.get("deliveries") { request, _ in
            let after = request.uri.queryParameters["after"].flatMap { Int(String($0)) } ?? 0
            let limit = min(10_000, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 1000))
            let deliveries = await state.arrivals.longPoll(seconds: Self.wait(request)) {
                await state.deliveries(after: after, limit: limit)
            }
            return try GatewayServer.json(deliveries, status: 200)
        }

        group.post("devices/:token/unregister") { _, context in
            try await state.unregister(try context.parameters.require("token"), at: clock.now())
            return Response(status: .noContent)
        }

        group.post("faults") { request, context in
            let fault = try await request.decode(as: FaultRequest.self, context: context)
            await state.addFault(
                .init(
                    status: fault.status, reason: fault.reason, retryAfter: fault.retryAfter,
                    remaining: fault.remaining ?? 1),
                for: fault.token)
            return Response(status: .noContent)
        }
    }

    /// The request's `wait`, in seconds: at most 60.
    static func wait(_ request: Request) -> Double {
        min(60, request.uri.queryParameters["wait"].flatMap { Double(String($0)) } ?? 0)
    }
}
