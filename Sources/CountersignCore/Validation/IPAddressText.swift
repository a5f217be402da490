#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether text is an IP address, by the C library's own parser (RFC 4291's text forms for IPv6,
/// four decimal octets for IPv4: no leading zeros, no shorthand such as "127.1").
enum IPAddressText {
    static func isValid(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        if text.contains(":") { return inet_pton(AF_INET6, text, &buffer) == 1 }
        return inet_pton(AF_INET, text, &buffer) == 1
    }
}
