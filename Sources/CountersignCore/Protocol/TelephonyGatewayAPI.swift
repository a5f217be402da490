import Foundation

/// The local telephony gateway's phone-side API (texts and calls a simulated phone receives),
/// shared by the emulator and the phone simulator.
public enum TelephonyGatewayAPI {
    /// What the server posts with the default body template.
    public struct OutgoingMessage: Codable, Sendable {
        public var kind: String
        public var to: String
        public var from: String
        public var text: String
        public var callback: String?
        public var id: String?
    }

    /// A text or a call as the phone with number `to` receives it.
    public struct PhoneMessage: Codable, Sendable, Equatable {
        /// Increasing across the gateway: read on with `after`.
        public var sequence: Int
        public var kind: String
        public var to: String
        public var from: String
        public var text: String
        public var receivedAt: Date
        /// Calls only: the id to answer with.
        public var callId: String?
        public var answered: Bool

        public init(
            sequence: Int, kind: String, to: String, from: String, text: String, receivedAt: Date, callId: String?,
            answered: Bool
        ) {
            self.sequence = sequence
            self.kind = kind
            self.to = to
            self.from = from
            self.text = text
            self.receivedAt = receivedAt
            self.callId = callId
            self.answered = answered
        }
    }

    /// `POST /gateway/calls/{id}/press`: the keys the called user presses.
    public struct Press: Codable, Sendable {
        public var digits: String
        public init(digits: String) { self.digits = digits }
    }

    /// What the server answered when the gateway posted the keys to its callback.
    public struct PressResult: Codable, Sendable {
        public var status: Int
        public var body: String
        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }
}
