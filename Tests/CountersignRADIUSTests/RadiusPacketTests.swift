import CountersignCore
import Testing

@testable import CountersignRADIUS

@Suite struct RadiusPacketTests {
    let secret = Array("a shared secret of 24 b".utf8)
    let authenticator: [UInt8] = Array(0..<16)

    func request(_ attributes: [RadiusAttribute]) -> RadiusPacket {
        RadiusPacket(code: .accessRequest, identifier: 7, authenticator: authenticator, attributes: attributes)
    }

    @Test func aPacketSurvivesEncodingAndParsing() throws {
        let packet = request([RadiusAttribute(.userName, text: "alice"), RadiusAttribute(.state, [1, 2, 3])])
        #expect(try RadiusPacket.parse(try packet.encoded()) == packet)
    }

    @Test func bytesPastTheDeclaredLengthArePaddingAndIgnored() throws {
        let bytes = try request([RadiusAttribute(.userName, text: "bob")]).encoded()
        #expect(try RadiusPacket.parse(bytes + [9, 9, 9]).text(.userName) == "bob")
    }

    @Test(arguments: [
        ([UInt8](repeating: 1, count: 19), RadiusPacketError.tooShort(19)),
        ([1, 7, 0, 40] + [UInt8](repeating: 0, count: 16), .lengthMismatch(declared: 40, received: 20)),
        ([1, 7, 0, 19] + [UInt8](repeating: 0, count: 16), .lengthMismatch(declared: 19, received: 20)),
        ([99, 7, 0, 20] + [UInt8](repeating: 0, count: 16), .unknownCode(99)),
        ([1, 7, 0, 22] + [UInt8](repeating: 0, count: 16) + [1, 1], .badAttributeLength(type: 1, at: 20)),
        ([1, 7, 0, 23] + [UInt8](repeating: 0, count: 16) + [1, 9, 0], .badAttributeLength(type: 1, at: 20)),
        ([1, 7, 0, 21] + [UInt8](repeating: 0, count: 16) + [1], .badAttributeLength(type: 1, at: 20)),
    ])
    func malformedBytesAreRefusedWithTheReason(bytes: [UInt8], expected: RadiusPacketError) {
        #expect(throws: expected) { try RadiusPacket.parse(bytes) }
    }

    @Test func aHiddenPasswordIsRevealedWithTheSameSecretOnly() {
        for password in ["x", "exactly16bytes!!", "a password longer than one block of sixteen"] {
            let hidden = RadiusSignature.hidePassword(
                Array(password.utf8), authenticator: authenticator, secret: secret)
            #expect(hidden.count % 16 == 0)
            #expect(
                RadiusSignature.revealPassword(hidden, authenticator: authenticator, secret: secret)
                    == Array(password.utf8))
            #expect(
                RadiusSignature.revealPassword(hidden, authenticator: authenticator, secret: Array("other".utf8))
                    != Array(password.utf8))
        }
        #expect(RadiusSignature.revealPassword([1, 2, 3], authenticator: authenticator, secret: secret) == nil)
    }

    @Test func aRequestsMessageAuthenticatorIsCheckedAgainstTheSecret() throws {
        let signed = try RadiusPacket.parse(
            try RadiusSignature.signedRequest(request([RadiusAttribute(.userName, text: "carol")]), secret: secret))
        #expect(RadiusSignature.hasValidMessageAuthenticator(signed, secret: secret))
        #expect(!RadiusSignature.hasValidMessageAuthenticator(signed, secret: Array("another secret!!".utf8)))
        var tampered = signed
        tampered.attributes[0] = RadiusAttribute(.userName, text: "mallory")
        #expect(!RadiusSignature.hasValidMessageAuthenticator(tampered, secret: secret))
        #expect(!RadiusSignature.hasValidMessageAuthenticator(request([]), secret: secret))
    }

    @Test func aReplyCopiesProxyStateAndIsSignedForTheRequest() throws {
        let asked = request([RadiusAttribute(.proxyState, [1]), RadiusAttribute(.proxyState, [2, 2])])
        let bytes = try RadiusSignature.reply(
            .accessAccept, to: asked, attributes: [RadiusAttribute(.replyMessage, text: "ok")], secret: secret)
        let reply = try RadiusPacket.parse(bytes)
        #expect(reply.code == .accessAccept && reply.identifier == 7)
        #expect(reply.all(.proxyState) == [[1], [2, 2]])
        #expect(reply.attributes.first?.type == RadiusAttributeType.messageAuthenticator.rawValue)
        #expect(RadiusSignature.isGenuineReply(bytes, to: asked, secret: secret, requireMessageAuthenticator: true))
        #expect(
            !RadiusSignature.isGenuineReply(
                bytes, to: asked, secret: Array("wrong secret....".utf8), requireMessageAuthenticator: true))
        var forged = bytes
        forged[forged.count - 1] ^= 1
        #expect(!RadiusSignature.isGenuineReply(forged, to: asked, secret: secret, requireMessageAuthenticator: true))
    }
}
