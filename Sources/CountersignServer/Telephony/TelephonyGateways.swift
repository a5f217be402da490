import CountersignCore
import CountersignPush
import Foundation
import Logging

/// One SMS or call for the telephony gateway.
struct TelephonyMessage: Sendable {
    enum Kind: String, Sendable {
        case sms
        case voice
    }
    var kind: Kind
    var to: String
    var from: String
    var text: String
    var transactionId: String
    /// Where the gateway posts the keys a called user pressed (voice only).
    var callbackURL: String?
}

/// Why no gateway took a message: each gateway's failure, in order.
struct TelephonyFailure: Error, CustomStringConvertible {
    var attempts: [String]
    var description: String {
        "no telephony gateway accepted the message (" + attempts.joined(separator: "; ") + ")"
    }
}

/// Sends SMS and voice requests to a provider's telephony gateways, in order, until one accepts:
/// each request has a deadline, and every failure is logged with the gateway it came from.
///
/// Each send opens its own connection and closes it: a sign-in sends one message, and an HTTP client
/// that outlived its settings (or the server) would leak.
actor TelephonyGateways {
    private var rotation = 0
    private let logger = Logger(label: "countersign.telephony")
    static let timeout: Duration = .seconds(5)

    /// Rotates through the short codes, text by text.
    func nextSenderRotation() -> Int {
        rotation &+= 1
        return rotation
    }

    /// Returns the URL of the gateway that accepted the message.
    func send(_ message: TelephonyMessage, via settings: TelephonySettings) async throws -> String {
        var attempts: [String] = []
        for gateway in settings.gateways {
            do {
                let transport = try HTTPPushTransport(
                    baseURL: gateway.url, trustRootsPEM: gateway.trustRootsPEM, timeout: Self.timeout)
                let sent: Result<PushTransportResponse, any Error>
                do {
                    sent = .success(try await transport.send(Self.request(message, gateway: gateway)))
                } catch {
                    sent = .failure(error)
                }
                try? await transport.shutdown()
                let response = try sent.get()
                if (200..<300).contains(response.status) {
                    logger.info(
                        "telephony message accepted",
                        metadata: [
                            "kind": "\(message.kind.rawValue)", "gateway": "\(gateway.url)",
                            "transaction": "\(message.transactionId)",
                        ])
                    return gateway.url
                }
                let detail = String(decoding: response.body.prefix(200), as: UTF8.self)
                attempts.append("\(gateway.url): HTTP \(response.status) \(detail)")
            } catch {
                attempts.append("\(gateway.url): \(error)")
            }
            logger.warning(
                "telephony gateway failed; trying the next one",
                metadata: [
                    "gateway": "\(gateway.url)", "error": "\(attempts.last ?? "")",
                    "transaction": "\(message.transactionId)",
                ])
        }
        throw TelephonyFailure(attempts: attempts)
    }

    static func request(_ message: TelephonyMessage, gateway: TelephonyGatewaySettings) -> OutgoingRequest {
        let body = TelephonyTemplate.render(
            gateway.bodyTemplate ?? TelephonyGatewaySettings.defaultBodyTemplate,
            values: [
                "kind": message.kind.rawValue, "to": message.to, "from": message.from, "text": message.text,
                "callback": message.callbackURL ?? "", "id": message.transactionId,
            ])
        var headers: [(name: String, value: String)] = [(name: "content-type", value: "application/json")]
        if let line = gateway.authHeader, let colon = line.firstIndex(of: ":") {
            headers.append(
                (
                    name: String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return OutgoingRequest(method: "POST", path: gateway.url, headers: headers, body: Data(body.utf8))
    }

}
