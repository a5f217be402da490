/// A RADIUS packet (RFC 2865 section 3): code, identifier, the 16-byte authenticator and the
/// attributes in their order. Parsing checks every length before it reads a byte, so whatever
/// arrives on the port either becomes a packet or a `RadiusPacketError`.
public struct RadiusPacket: Sendable, Equatable {
    public static let headerLength = 20
    public static let maxLength = 4096

    public var code: RadiusCode
    public var identifier: UInt8
    public var authenticator: [UInt8]
    public var attributes: [RadiusAttribute]

    public init(code: RadiusCode, identifier: UInt8, authenticator: [UInt8], attributes: [RadiusAttribute]) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    /// Reads a datagram. Octets after the declared length are padding and ignored (RFC 2865).
    public static func parse(_ bytes: [UInt8]) throws(RadiusPacketError) -> RadiusPacket {
        guard bytes.count >= headerLength else { throw .tooShort(bytes.count) }
        guard bytes.count <= maxLength else { throw .tooLong(bytes.count) }
        let declared = Int(bytes[2]) << 8 | Int(bytes[3])
        guard declared >= headerLength, declared <= bytes.count else {
            throw .lengthMismatch(declared: declared, received: bytes.count)
        }
        guard let code = RadiusCode(rawValue: bytes[0]) else { throw .unknownCode(bytes[0]) }
        let attributes = try RadiusAttribute.list(in: bytes[headerLength..<declared], base: headerLength)
        return RadiusPacket(
            code: code, identifier: bytes[1], authenticator: Array(bytes[4..<20]), attributes: attributes)
    }

    /// The packet's bytes with its authenticator as it stands.
    public func encoded() throws(RadiusPacketError) -> [UInt8] {
        var bytes: [UInt8] = [code.rawValue, identifier, 0, 0]
        bytes += authenticator.count == 16 ? authenticator : [UInt8](repeating: 0, count: 16)
        bytes += try RadiusAttribute.encode(attributes)
        guard bytes.count <= Self.maxLength else { throw .tooLong(bytes.count) }
        bytes[2] = UInt8(bytes.count >> 8)
        bytes[3] = UInt8(bytes.count & 0xff)
        return bytes
    }

    public func first(_ type: RadiusAttributeType) -> [UInt8]? {
        attributes.first { $0.type == type.rawValue }?.value
    }

    public func all(_ type: RadiusAttributeType) -> [[UInt8]] {
        attributes.filter { $0.type == type.rawValue }.map(\.value)
    }

    /// A text attribute, if it is there and is UTF-8.
    public func text(_ type: RadiusAttributeType) -> String? {
        first(type).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
