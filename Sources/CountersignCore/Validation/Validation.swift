/// Rules for the values an administrator types. Each check returns a sentence saying what is wrong.
public enum Validation {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// User and provider names: 1–64 characters of letters, digits and `. _ - @`, not starting with
    /// punctuation, so they are safe in URLs, logs and file names.
    public static func name(_ value: String, of kind: String) throws(Failure) -> String {
        guard !value.isEmpty else { throw Failure("a \(kind) name cannot be empty") }
        guard value.utf8.count <= 64 else { throw Failure("a \(kind) name is at most 64 characters") }
        let allowedPunctuation: Set<Character> = [".", "_", "-", "@"]
        for character in value where !(character.isASCII && (character.isLetter || character.isNumber)) {
            guard allowedPunctuation.contains(character) else {
                throw Failure("\(kind) name '\(value)' has '\(character)'; use letters, digits and . _ - @")
            }
        }
        if let first = value.first, allowedPunctuation.contains(first) {
            throw Failure("a \(kind) name must start with a letter or digit")
        }
        return value
    }

    /// E.164: '+', a country code not starting with 0, at most 15 digits in all.
    public static func phoneNumber(_ value: String) throws(Failure) -> String {
        let digits = value.dropFirst()
        guard value.first == "+", (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.first != "0"
        else {
            throw Failure(
                "phone number '\(value)' is not in E.164 form: '+', country code and number, 8 to 15 digits, e.g. +14155550100"
            )
        }
        return value
    }

    /// ISO 3166-1 alpha-2, stored upper case.
    public static func countryCode(_ value: String) throws(Failure) -> String {
        guard value.count == 2, value.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw Failure("country '\(value)' is not a two-letter ISO 3166 code such as US, CA or PL")
        }
        return value.uppercased()
    }

    /// A deliberately loose check: one '@' with text either side and no spaces. Delivery proves the rest.
    public static func email(_ value: String) throws(Failure) -> String {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !value.contains(where: \.isWhitespace)
        else { throw Failure("email '\(value)' is not an address like name@example.com") }
        return value
    }

    /// Free text shown to people (first and last names, device names, the application and place a
    /// phone shows before its user approves): bounded, no control characters, and nothing invisible
    /// that reorders or hides what is shown (bidirectional overrides, zero-width characters), which
    /// would let an application make "Payroll" read as something else on the phone.
    public static func displayText(_ value: String, field: String, maxLength: Int = 100) throws(Failure) -> String {
        guard value.count <= maxLength else { throw Failure("\(field) is at most \(maxLength) characters") }
        for scalar in value.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control: throw Failure("\(field) cannot contain control characters")
            case .format, .lineSeparator, .paragraphSeparator:
                throw Failure(
                    "\(field) cannot contain invisible or direction-changing characters (U+\(String(scalar.value, radix: 16, uppercase: true)))"
                )
            default: continue
            }
        }
        return value
    }

    /// An IPv4 address in dotted decimal or an IPv6 address in any of its text forms, as given.
    public static func ipAddress(_ value: String, field: String) throws(Failure) -> String {
        guard value.utf8.count <= 45, AddressRange.bytes(of: value) != nil else {
            throw Failure("\(field) '\(value.prefix(45))' is not an IPv4 or IPv6 address")
        }
        return value
    }
}
