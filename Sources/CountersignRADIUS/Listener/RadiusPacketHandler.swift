import CountersignCore
import CountersignServer
import Logging
import NIOPosix
import Prometheus

/// Everything between a datagram and its reply: which client sent it, whether it is a packet at
/// all, whether it is signed with that client's secret, whether it was answered already; then the
/// answer, signed. Nil means drop: nothing is ever sent to a sender that has not proved the secret.
struct RadiusPacketHandler: Sendable {
    let environment: ServerEnvironment
    let access: RadiusAccessHandler
    let drops: RadiusDrops
    let retransmits = RetransmitCache()

    /// The handler both listeners use, with its drop counter and first-factor client.
    static func make(environment: ServerEnvironment, logger: Logger) -> RadiusPacketHandler {
        RadiusPacketHandler(
            environment: environment,
            access: RadiusAccessHandler(
                environment: environment, upstream: UpstreamRadius(group: MultiThreadedEventLoopGroup.singleton),
                logger: logger),
            drops: RadiusDrops(logger: logger, metrics: environment.metrics))
    }

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "countersign", subsystem: "radius", metricName: "requests", unitName: "total",
            helpText: "RADIUS requests answered, by client and reply")
    }

    /// `source` is the sender's IP address as text, `port` its port. `transportSecret` replaces the
    /// client's secret where the transport protects the packets itself (RadSec's "radsec").
    func handle(_ bytes: [UInt8], source: String, port: Int, transportSecret: [UInt8]? = nil) async -> [UInt8]? {
        guard let address = AddressRange.bytes(of: source),
            var client = try? await environment.radiusClients.client(for: address)
        else {
            drops.drop(.unknownClient, source: source, detail: "no RADIUS client has this address")
            return nil
        }
        if let transportSecret { client.secret = transportSecret }
        let request: RadiusPacket
        do {
            request = try RadiusPacket.parse(bytes)
        } catch {
            drops.drop(.malformed, source: source, detail: error.description)
            return nil
        }
        guard request.code == .accessRequest || request.code == .statusServer else {
            drops.drop(.unsupportedCode, source: source, detail: "code \(request.code.rawValue) is not answered here")
            return nil
        }
        if request.first(.messageAuthenticator) != nil {
            guard RadiusSignature.hasValidMessageAuthenticator(request, secret: client.secret) else {
                drops.drop(
                    .badMessageAuthenticator, source: source,
                    detail: "the Message-Authenticator is wrong: is the shared secret the same on both sides?")
                return nil
            }
        } else if request.code == .statusServer || client.settings.requireMessageAuthenticator {
            // RFC 5997 requires it on Status-Server; RFC 3579 and BlastRADIUS on Access-Requests.
            drops.drop(
                .missingMessageAuthenticator, source: source,
                detail: "client '\(client.name)' must send a Message-Authenticator")
            return nil
        }
        let key = RetransmitCache.Key(
            source: "\(source):\(port)", identifier: request.identifier, authenticator: request.authenticator)
        switch await retransmits.begin(key) {
        case .answered(let reply): return reply
        case .inFlight:
            drops.drop(.retransmitInFlight, source: source, detail: "")
            return nil
        case .new: break
        }
        let reply: RadiusAccessHandler.Reply
        if request.code == .statusServer {
            reply = RadiusAccessHandler.Reply(
                code: .accessAccept,
                attributes: [
                    RadiusAttribute(.replyMessage, text: "Countersign \(CountersignVersion.current) is running")
                ])
        } else {
            reply = await access.answer(request, from: client)
        }
        let signed = try? RadiusSignature.reply(
            reply.code, to: request, attributes: reply.attributes, secret: client.secret)
        await retransmits.finish(key, reply: signed)
        environment.metrics.makeCounter(
            descriptor: Self.requests, labels: [("client", client.name), ("reply", "\(reply.code)")]
        ).increment()
        return signed
    }
}
