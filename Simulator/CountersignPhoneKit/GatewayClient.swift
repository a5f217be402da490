import CountersignClient
import CountersignCore
import Foundation

/// The simulated phone's link to the push gateway emulator: the part a real phone's operating
/// system does (get a push token, receive notifications).
public struct GatewayClient: Sendable {
    let http: JSONHTTPClient

    public init(controlURL: URL) {
        http = JSONHTTPClient(baseURL: controlURL, timeout: 70)
    }

    /// The gateway's control URL: the flag, else COUNTERSIGN_GATEWAY, else the default.
    public static func controlURL(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> URL
    {
        let text = flag ?? environment[PushGatewayAPI.controlURLVariable] ?? PushGatewayAPI.defaultControlURL
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
            throw ClientError(status: nil, code: nil, message: "the gateway address '\(text)' is not an http URL")
        }
        return url
    }

    public func register(platform: DevicePlatform, phone: String) async throws -> PushGatewayAPI.Device {
        try await http.request(
            "POST", "/gateway/devices", body: PushGatewayAPI.Registration(platform: platform, phone: phone),
            as: PushGatewayAPI.Device.self)
    }

    /// Notifications after `after`, waiting up to `wait` seconds for the first one.
    public func inbox(token: String, after: Int = 0, wait: Int = 0) async throws -> [PushGatewayAPI.Delivery] {
        try await http.request(
            "GET", "/gateway/devices/\(Self.pathSegment(token))/inbox?after=\(after)&wait=\(wait)",
            as: [PushGatewayAPI.Delivery].self)
    }

    /// Texts and calls for `number` after `after`, waiting up to `wait` seconds for the first one.
    public func phoneMessages(number: String, after: Int = 0, wait: Int = 0) async throws
        -> [TelephonyGatewayAPI.PhoneMessage]
    {
        try await http.request(
            "GET", "/gateway/phones/\(Self.pathSegment(number))/messages?after=\(after)&wait=\(wait)",
            as: [TelephonyGatewayAPI.PhoneMessage].self)
    }

    /// Answers a call by pressing keys; the gateway posts them to the server and relays its answer.
    public func press(callId: String, digits: String) async throws -> TelephonyGatewayAPI.PressResult {
        try await http.request(
            "POST", "/gateway/calls/\(Self.pathSegment(callId))/press", body: TelephonyGatewayAPI.Press(digits: digits),
            as: TelephonyGatewayAPI.PressResult.self)
    }

    /// A token, number or call id as one path segment (the gateway decodes it again).
    static func pathSegment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value
    }
}
