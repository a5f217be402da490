/// One attribute as it travels: a type octet and up to 253 octets of value (RFC 2865 section 5).
public struct RadiusAttribute: Sendable, Equatable {
    public var type: UInt8
    public var value: [UInt8]

    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    public init(_ type: RadiusAttributeType, _ value: [UInt8]) { self.init(type: type.rawValue, value: value) }
    public init(_ type: RadiusAttributeType, text: String) { self.init(type: type.rawValue, value: Array(text.utf8)) }

    public static let maxValueLength = 253

    /// Attributes laid end to end, as in a packet after its header; `base` is where they start in
    /// the packet, for the error's position.
    static func list(in bytes: ArraySlice<UInt8>, base: Int = 0) throws(RadiusPacketError) -> [RadiusAttribute] {
        var attributes: [RadiusAttribute] = []
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let at = base + offset - bytes.startIndex
            guard offset + 2 <= bytes.endIndex else { throw .badAttributeLength(type: bytes[offset], at: at) }
            let length = Int(bytes[offset + 1])
            guard length >= 2, offset + length <= bytes.endIndex else {
                throw .badAttributeLength(type: bytes[offset], at: at)
            }
            attributes.append(
                RadiusAttribute(type: bytes[offset], value: Array(bytes[(offset + 2)..<(offset + length)])))
            offset += length
        }
        return attributes
    }

    static func encode(_ attributes: [RadiusAttribute]) throws(RadiusPacketError) -> [UInt8] {
        var bytes: [UInt8] = []
        for attribute in attributes {
            guard attribute.value.count <= maxValueLength else { throw .valueTooLong(type: attribute.type) }
            bytes += [attribute.type, UInt8(attribute.value.count + 2)] + attribute.value
        }
        return bytes
    }
}

/// The attribute types the server reads or writes by name; any other type is carried as it is.
public enum RadiusAttributeType: UInt8, Sendable {
    case userName = 1
    case userPassword = 2
    case nasIPAddress = 4
    case framedIPAddress = 8
    case filterId = 11
    case replyMessage = 18
    case state = 24
    case `class` = 25
    case vendorSpecific = 26
    case sessionTimeout = 27
    case callingStationId = 31
    case nasIdentifier = 32
    case proxyState = 33
    case messageAuthenticator = 80
}
