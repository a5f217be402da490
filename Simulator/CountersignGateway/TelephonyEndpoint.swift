import CountersignClient
import CountersignCore
import Foundation

/// The SMS and voice side of the emulator: takes messages from the server (checking its bearer
/// token and the body as a real gateway would), keeps them for the simulated phones, and posts a
/// call's pressed keys to the server's callback URL.
public actor TelephonyEndpoint {
    public struct Refusal: Error {
        public var status: Int
        public var message: String
    }

    private let token: String
    /// What vouches for the server's callback URL when it is https.
    private let callbackTrust: ServerTrust
    private var messages: [TelephonyGatewayAPI.PhoneMessage] = []
    private var callbacks: [String: URL] = [:]
    private var sequence = 0
    /// Rung at each text or call, for the phones waiting on their messages.
    public nonisolated let arrivals = ArrivalBell()

    public init(token: String, callbackTrust: ServerTrust = .standard) {
        self.token = token
        self.callbackTrust = callbackTrust
    }

    /// Takes one message from the server; returns the gateway's message id.
    public func accept(authorization: String?, body: Data, now: Date) throws(Refusal) -> String {
        guard let authorization,
            ConstantTime.equals(Array(authorization.utf8), Array("Bearer \(token)".utf8))
        else { throw Refusal(status: 401, message: "missing or wrong bearer token") }
        guard let message = try? JSONDecoder().decode(TelephonyGatewayAPI.OutgoingMessage.self, from: body) else {
            throw Refusal(status: 400, message: "the body is not a JSON message with kind, to, from and text")
        }
        guard message.kind == "sms" || message.kind == "voice" else {
            throw Refusal(status: 400, message: "kind must be sms or voice")
        }
        guard (try? Validation.phoneNumber(message.to)) != nil else {
            throw Refusal(status: 400, message: "'to' is not an E.164 number")
        }
        guard !message.from.isEmpty, message.from.utf8.count <= 20 else {
            throw Refusal(status: 400, message: "'from' must be a number or short code")
        }
        guard !message.text.isEmpty, message.text.count <= 1600 else {
            throw Refusal(status: 400, message: "the text must be 1 to 1600 characters")
        }
        sequence += 1
        var callId: String?
        if message.kind == "voice" {
            guard let callback = message.callback.flatMap(URL.init(string:)),
                callback.scheme == "http" || callback.scheme == "https"
            else { throw Refusal(status: 400, message: "a call needs an http(s) callback URL") }
            let id = "call-\(sequence)"
            callbacks[id] = callback
            callId = id
        }
        messages.append(
            .init(
                sequence: sequence, kind: message.kind, to: message.to, from: message.from, text: message.text,
                receivedAt: now, callId: callId, answered: false))
        arrivals.ring()
        return "msg-\(sequence)"
    }

    public func messages(to number: String, after: Int) -> [TelephonyGatewayAPI.PhoneMessage] {
        messages.filter { $0.to == number && $0.sequence > after }
    }

    /// Where a call's keys would be posted (for tests that answer it themselves).
    public func callbackURL(forCall callId: String) -> URL? { callbacks[callId] }

    /// Marks the call answered and returns where to post the keys; nil for an unknown or answered call.
    func takeCallback(_ callId: String) -> URL? {
        guard let index = messages.firstIndex(where: { $0.callId == callId && !$0.answered }) else { return nil }
        messages[index].answered = true
        return callbacks.removeValue(forKey: callId)
    }

    /// The called user pressed keys: post them to the server, as the real gateway's webhook does.
    public func press(callId: String, digits: String) async throws -> TelephonyGatewayAPI.PressResult {
        guard let callback = takeCallback(callId) else {
            throw Refusal(status: 404, message: "no unanswered call has id '\(callId)'")
        }
        // AsyncHTTPClient, which (unlike URLSession on Linux) can trust development mode's own CA.
        let client = JSONHTTPClient(baseURL: callback, timeout: 10, trust: callbackTrust)
        let (status, data) = try await client.send(
            method: "POST", path: callback.absoluteString,
            body: try JSONEncoder().encode(VoiceCallAnswer(digits: digits)))
        return .init(status: status, body: String(decoding: data.prefix(4096), as: UTF8.self))
    }
}
