import CountersignCore
import Logging
import NIOCore
import NIOPosix

/// Asks the client's first-factor RADIUS server (NPS, FreeRADIUS) whether the password is right,
/// with its own secret and timeout, and brings back the attributes of its Accept for ours.
struct UpstreamRadius: Sendable {
    enum Verdict: Sendable, Equatable {
        case accepted([RadiusAttribute])
        case rejected
        case unreachable
    }

    /// What an upstream Accept carries that is not for the VPN: the RADIUS bookkeeping of that
    /// exchange, and its own message (ours says what happened).
    static let notCarried: Set<UInt8> = [
        RadiusAttributeType.messageAuthenticator.rawValue, RadiusAttributeType.proxyState.rawValue,
        RadiusAttributeType.state.rawValue, RadiusAttributeType.replyMessage.rawValue, 79,  // EAP-Message
    ]

    let group: any EventLoopGroup

    func check(user: String, password: String, server: UpstreamRadiusServer, logger: Logger) async -> Verdict {
        let authenticator = SecureRandom.bytes(16)
        let request = RadiusPacket(
            code: .accessRequest, identifier: UInt8.random(in: 0...255), authenticator: authenticator,
            attributes: [
                RadiusAttribute(.userName, text: user),
                RadiusAttribute(
                    .userPassword,
                    RadiusSignature.hidePassword(
                        Array(password.utf8), authenticator: authenticator, secret: server.secret)),
                RadiusAttribute(.nasIdentifier, text: "countersign"),
            ])
        do {
            let bytes = try RadiusSignature.signedRequest(request, secret: server.secret)
            let remote = try SocketAddress(ipAddress: server.host, port: server.port)
            let channel = try await DatagramBootstrap(group: group)
                .bind(host: server.host.contains(":") ? "::" : "0.0.0.0", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
                return try await withThrowingTaskGroup(of: Verdict.self) { group in
                    group.addTask {
                        for try await envelope in inbound where envelope.remoteAddress == remote {
                            let reply = Array(buffer: envelope.data)
                            // A reply that is not signed with the secret is ignored, as if lost. Its
                            // Message-Authenticator is checked when it has one; FreeRADIUS before
                            // 3.2.5 sends none, so one cannot be required.
                            guard
                                RadiusSignature.isGenuineReply(
                                    reply, to: request, secret: server.secret, requireMessageAuthenticator: false),
                                let parsed = try? RadiusPacket.parse(reply)
                            else { continue }
                            guard parsed.code == .accessAccept else { return .rejected }
                            return .accepted(parsed.attributes.filter { !Self.notCarried.contains($0.type) })
                        }
                        return .unreachable
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(server.timeoutSeconds))
                        return .unreachable
                    }
                    let first = try await group.next() ?? .unreachable
                    group.cancelAll()
                    return first
                }
            }
        } catch {
            logger.warning(
                "the first-factor RADIUS server could not be asked",
                metadata: ["server": "\(server.address)", "error": "\(error)"])
            return .unreachable
        }
    }
}
