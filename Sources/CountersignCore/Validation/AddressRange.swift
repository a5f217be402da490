#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address or a CIDR block ("192.0.2.10", "10.0.0.0/8", "2001:db8::/32"), for matching the
/// source of a packet. Parsed by the C library's `inet_pton`; the host bits must be zero.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    public let network: [UInt8]
    public let prefixLength: Int

    public init(_ text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else {
            throw Validation.Failure("'\(text)' is not an IP address or CIDR block such as 10.0.0.0/8")
        }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given), parts[1].allSatisfy(\.isASCII) else {
                throw Validation.Failure("the prefix length in '\(text)' must be 0 to \(bits)")
            }
            prefix = given
        }
        guard Self.masked(address, prefix) == address else {
            throw Validation.Failure(
                "'\(text)' has host bits set; the block is \(Self.text(Self.masked(address, prefix)))/\(prefix)")
        }
        network = address
        prefixLength = prefix
    }

    /// The address's 4 or 16 bytes, or nil when it is not an address: RFC 4291's text forms for
    /// IPv6, four decimal octets for IPv4 (no leading zeros, no shorthand such as "127.1").
    public static func bytes(of text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if text.contains(":") { return inet_pton(AF_INET6, text, &buffer) == 1 ? buffer : nil }
        return inet_pton(AF_INET, text, &buffer) == 1 ? Array(buffer.prefix(4)) : nil
    }

    public func contains(_ address: [UInt8]) -> Bool {
        address.count == network.count && Self.masked(address, prefixLength) == network
    }

    public var description: String {
        prefixLength == network.count * 8 ? Self.text(network) : "\(Self.text(network))/\(prefixLength)"
    }

    static func masked(_ address: [UInt8], _ prefix: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let kept = min(8, max(0, prefix - index * 8))
            return kept == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xff << (8 - kept))
        }
    }

    static func text(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
