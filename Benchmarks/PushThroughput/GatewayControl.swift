import BenchmarkSupport
import CountersignClient
import CountersignCore
import Foundation

/// The one control call h2load's run needs: a device token to push to.
enum JSONHTTPClientShim {
    static func registerDevice(_ controlURL: URL) async throws -> String {
        try await JSONHTTPClient(baseURL: controlURL).request(
            "POST", "/gateway/devices", body: PushGatewayAPI.Registration(platform: .apns, phone: "h2load"),
            as: PushGatewayAPI.Device.self
        ).token
    }
}
