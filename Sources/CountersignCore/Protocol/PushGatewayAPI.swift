import Foundation

/// The push gateway emulator's control API, shared by the emulator and the phone simulator.
public enum PushGatewayAPI {
    /// Where a simulated phone finds the gateway's control port when nothing else is said.
    public static let defaultControlURL = "http://127.0.0.1:8444"
    public static let controlURLVariable = "COUNTERSIGN_GATEWAY"

    /// `POST /gateway/devices`: a simulated phone asks for a push token.
    public struct Registration: Codable, Sendable {
        public var platform: DevicePlatform
        public var phone: String
        public init(platform: DevicePlatform, phone: String) {
            self.platform = platform
            self.phone = phone
        }
    }

    public struct Device: Codable, Sendable, Equatable {
        public var token: String
        public var platform: DevicePlatform
        public var phone: String
        /// Set when the app was "uninstalled": APNs answers 410, FCM UNREGISTERED.
        public var unregisteredAt: Date?

        public init(token: String, platform: DevicePlatform, phone: String, unregisteredAt: Date? = nil) {
            self.token = token
            self.platform = platform
            self.phone = phone
            self.unregisteredAt = unregisteredAt
        }
    }

    /// One notification the gateway accepted for a device, in its inbox.
    public struct Delivery: Codable, Sendable, Equatable {
        public var sequence: Int
        public var platform: DevicePlatform
        /// apns-id, or the FCM message key.
        public var id: String
        public var receivedAt: Date
        /// The JSON payload as received (APNs) or the message's data (FCM).
        public var payload: String
        /// The device token it was sent to.
        public var token: String?

        public init(
            sequence: Int, platform: DevicePlatform, id: String, receivedAt: Date, payload: String, token: String? = nil
        ) {
            self.sequence = sequence
            self.platform = platform
            self.id = id
            self.receivedAt = receivedAt
            self.payload = payload
            self.token = token
        }
    }
}
