import CountersignCore
import Crypto

/// The shared-secret arithmetic of RADIUS: the Response Authenticator (RFC 2865 section 3), the
/// Message-Authenticator (RFC 3579 section 3.2) and the hidden User-Password (RFC 2865 section 5.2).
/// MD5 is what the protocol prescribes; nothing else in Countersign uses it.
public enum RadiusSignature {
    /// Whether the request's Message-Authenticator is there and right. A request with two of them,
    /// or one of the wrong length, is not right.
    public static func hasValidMessageAuthenticator(_ request: RadiusPacket, secret: [UInt8]) -> Bool {
        let found = request.all(.messageAuthenticator)
        guard found.count == 1, let given = found.first, given.count == 16,
            let expected = try? messageAuthenticator(for: request, authenticator: request.authenticator, secret: secret)
        else { return false }
        return ConstantTime.equals(given, expected)
    }

    /// HMAC-MD5 over the packet with its Message-Authenticator zeroed and `authenticator` in the
    /// header: the request's own for a request, the request's it answers for a reply.
    static func messageAuthenticator(for packet: RadiusPacket, authenticator: [UInt8], secret: [UInt8]) throws
        -> [UInt8]
    {
        var zeroed = packet
        zeroed.authenticator = authenticator
        zeroed.attributes = packet.attributes.map {
            $0.type == RadiusAttributeType.messageAuthenticator.rawValue
                ? RadiusAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16)) : $0
        }
        var hmac = HMAC<Insecure.MD5>(key: SymmetricKey(data: secret))
        hmac.update(data: try zeroed.encoded())
        return Array(hmac.finalize())
    }

    /// Makes the reply's bytes: the reply's attributes, the request's Proxy-States copied back in
    /// order (RFC 2865 section 5.33), a Message-Authenticator (always, against BlastRADIUS), then
    /// the Response Authenticator over all of it.
    public static func reply(
        _ code: RadiusCode, to request: RadiusPacket, attributes: [RadiusAttribute], secret: [UInt8]
    ) throws -> [UInt8] {
        var packet = RadiusPacket(
            code: code, identifier: request.identifier, authenticator: request.authenticator,
            attributes: [RadiusAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16))]
                + attributes.filter {
                    $0.type != RadiusAttributeType.messageAuthenticator.rawValue
                        && $0.type != RadiusAttributeType.proxyState.rawValue
                } + request.all(.proxyState).map { RadiusAttribute(.proxyState, $0) })
        packet.attributes[0].value = try messageAuthenticator(
            for: packet, authenticator: request.authenticator, secret: secret)
        var bytes = try packet.encoded()
        var md5 = Insecure.MD5()
        md5.update(data: bytes)
        md5.update(data: secret)
        bytes.replaceSubrange(4..<20, with: Array(md5.finalize()))
        return bytes
    }

    /// Whether a reply to `request` was made with `secret`: its Response Authenticator, and its
    /// Message-Authenticator when it has one (required when `requireMessageAuthenticator`).
    public static func isGenuineReply(
        _ reply: [UInt8], to request: RadiusPacket, secret: [UInt8], requireMessageAuthenticator: Bool
    ) -> Bool {
        guard reply.count >= RadiusPacket.headerLength, let parsed = try? RadiusPacket.parse(reply),
            parsed.identifier == request.identifier
        else { return false }
        let length = Int(reply[2]) << 8 | Int(reply[3])
        var md5 = Insecure.MD5()
        md5.update(data: reply[0..<4])
        md5.update(data: request.authenticator)
        md5.update(data: reply[20..<length])
        md5.update(data: secret)
        guard ConstantTime.equals(Array(md5.finalize()), reply[4..<20]) else { return false }
        let authenticators = parsed.all(.messageAuthenticator)
        if authenticators.isEmpty { return !requireMessageAuthenticator }
        guard authenticators.count == 1,
            let expected = try? messageAuthenticator(
                for: parsed, authenticator: request.authenticator, secret: secret)
        else { return false }
        return ConstantTime.equals(authenticators[0], expected)
    }

    /// The User-Password as the user typed it, or nil when the attribute is not a whole number of
    /// 16-byte blocks between 16 and 128 bytes. Trailing NULs are the padding and are removed.
    public static func revealPassword(_ hidden: [UInt8], authenticator: [UInt8], secret: [UInt8]) -> [UInt8]? {
        guard hidden.count >= 16, hidden.count <= 128, hidden.count % 16 == 0 else { return nil }
        var plain: [UInt8] = []
        var previous = authenticator
        for start in stride(from: 0, to: hidden.count, by: 16) {
            let block = Array(hidden[start..<(start + 16)])
            let pad = md5(secret + previous)
            plain += zip(block, pad).map { $0 ^ $1 }
            previous = block
        }
        while plain.last == 0 { plain.removeLast() }
        return plain
    }

    /// Hides a password for a request we send (to the upstream first-factor server).
    public static func hidePassword(_ password: [UInt8], authenticator: [UInt8], secret: [UInt8]) -> [UInt8] {
        var padded = Array(password.prefix(128))
        let blocks = max(1, (padded.count + 15) / 16)
        padded += [UInt8](repeating: 0, count: blocks * 16 - padded.count)
        var hidden: [UInt8] = []
        var previous = authenticator
        for start in stride(from: 0, to: padded.count, by: 16) {
            let pad = md5(secret + previous)
            let block = zip(padded[start..<(start + 16)], pad).map { $0 ^ $1 }
            hidden += block
            previous = block
        }
        return hidden
    }

    /// Signs a request we send: a Message-Authenticator over it with its own authenticator.
    public static func signedRequest(_ request: RadiusPacket, secret: [UInt8]) throws -> [UInt8] {
        var packet = request
        packet.attributes.removeAll { $0.type == RadiusAttributeType.messageAuthenticator.rawValue }
        packet.attributes.append(RadiusAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16)))
        let index = packet.attributes.count - 1
        packet.attributes[index].value = try messageAuthenticator(
            for: packet, authenticator: packet.authenticator, secret: secret)
        return try packet.encoded()
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }
}
