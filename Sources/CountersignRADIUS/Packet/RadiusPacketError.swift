/// Why bytes that arrived are not a RADIUS packet this server reads. Such a packet is dropped, and
/// these words go to the log and the drop counter, never to the sender.
public enum RadiusPacketError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(Int)
    case tooLong(Int)
    case lengthMismatch(declared: Int, received: Int)
    case badAttributeLength(type: UInt8, at: Int)
    case unknownCode(UInt8)
    case valueTooLong(type: UInt8)

    public var description: String {
        switch self {
        case .tooShort(let count): "\(count) bytes is shorter than a RADIUS header (20)"
        case .tooLong(let count): "\(count) bytes is longer than a RADIUS packet may be (4096)"
        case .lengthMismatch(let declared, let received):
            "the header says \(declared) bytes but \(received) arrived"
        case .badAttributeLength(let type, let offset): "attribute \(type) at byte \(offset) has a bad length"
        case .unknownCode(let code): "packet code \(code) is not one this server answers"
        case .valueTooLong(let type): "attribute \(type) is longer than 253 bytes"
        }
    }
}
