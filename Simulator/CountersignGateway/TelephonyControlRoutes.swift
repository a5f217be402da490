import CountersignCore
import Foundation
import Hummingbird

/// The phone side of the telephony emulator: a simulated phone reads the texts and calls for its
/// number, and answers a call by pressing keys.
struct TelephonyControlRoutes: Sendable {
    let telephony: TelephonyEndpoint

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("phones/:number/messages") { request, context in
            let raw = try context.parameters.require("number")
            let number = raw.removingPercentEncoding ?? raw
            let after = request.uri.queryParameters["after"].flatMap { Int(String($0)) } ?? 0
            let messages = await telephony.arrivals.longPoll(seconds: GatewayControlRoutes.wait(request)) {
                await telephony.messages(to: number, after: after)
            }
            return try GatewayServer.json(messages, status: 200)
        }

        group.post("calls/:id/press") { request, context in
            let raw = try context.parameters.require("id")
            let id = raw.removingPercentEncoding ?? raw
            let press = try await request.decode(as: TelephonyGatewayAPI.Press.self, context: context)
            do {
                return try GatewayServer.json(try await telephony.press(callId: id, digits: press.digits), status: 200)
            } catch let refusal as TelephonyEndpoint.Refusal {
                throw HTTPError(HTTPResponse.Status(code: refusal.status), message: refusal.message)
            }
        }
    }
}
