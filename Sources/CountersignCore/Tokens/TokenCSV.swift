import Foundation

/// Reads the token CSV format that hardware-token vendors ship:
/// `serial, Base32 secret, time interval[, algorithm[, digits[, type[, counter]]]]`.
///
/// A first row whose first field is "serial" is a header. Lines starting with `#` are comments.
/// One bad row refuses the whole file, with an error naming the row.
public enum TokenCSV {
    public static func parse(_ text: String) throws(TokenImportError) -> [TokenSeed] {
        try parse(bytes: text.utf8)
    }

    /// Reads the file's bytes as they are, one record at a time: a million-row file costs its
    /// bytes and its tokens, not a copy as text and a million records besides.
    public static func parse(bytes: some Collection<UInt8>) throws(TokenImportError) -> [TokenSeed] {
        guard bytes.count <= TokenImportLimits.maximumFileBytes else {
            throw TokenImportError("file", "larger than \(TokenImportLimits.maximumFileBytes / 1_048_576) MiB")
        }
        var seeds: [TokenSeed] = []
        var serials: [String: Int] = [:]
        var refusal: TokenImportError?
        var isFirst = true
        do throws(CSVRecords.SyntaxError) {
            try CSVRecords.read(bytes) { record in
                defer { isFirst = false }
                let first = record.fields[0].trimmingCharacters(in: .whitespaces)
                if first.hasPrefix("#") || (isFirst && first.lowercased().hasPrefix("serial")) { return true }
                do throws(TokenImportError) {
                    try add(record, to: &seeds, serials: &serials)
                    return true
                } catch {
                    refusal = error
                    return false
                }
            }
        } catch {
            throw TokenImportError("row \(error.line)", error.problem)
        }
        if let refusal { throw refusal }
        guard !seeds.isEmpty else { throw TokenImportError("file", "no tokens found") }
        return seeds
    }

    static func add(_ record: CSVRecords.Record, to seeds: inout [TokenSeed], serials: inout [String: Int])
        throws(TokenImportError)
    {
        let location = "row \(record.line)"
        guard seeds.count < TokenImportLimits.maximumTokens else {
            throw TokenImportError(location, "more than \(TokenImportLimits.maximumTokens) tokens in one file")
        }
        let seed = try seed(from: record.fields.map { $0.trimmingCharacters(in: .whitespaces) }, location: location)
        if let earlier = serials[seed.serial.lowercased()] {
            throw TokenImportError(location, "serial '\(seed.serial)' already appears on row \(earlier)")
        }
        serials[seed.serial.lowercased()] = record.line
        seeds.append(seed)
    }

    static func seed(from fields: [String], location: String) throws(TokenImportError) -> TokenSeed {
        guard (3...7).contains(fields.count) else {
            throw TokenImportError(
                location,
                "\(fields.count) fields; expected serial, secret, interval and optionally algorithm, digits, type, counter"
            )
        }
        func optional(_ index: Int) -> String? {
            index < fields.count && !fields[index].isEmpty ? fields[index] : nil
        }
        let secret: [UInt8]
        do {
            secret = try Base32.decode(String(fields[1].filter { $0 != " " }))
        } catch {
            throw TokenImportError(location, "the secret is not valid Base32 (\(error))")
        }
        var seed = TokenSeed(serial: fields[0], secret: secret)
        if let type = optional(5) {
            guard let kind = TokenSeed.Kind(rawValue: type.lowercased()) else {
                throw TokenImportError(location, "unknown token type '\(type.prefix(20))' (totp or hotp)")
            }
            seed.kind = kind
        }
        if seed.kind == .totp || !fields[2].isEmpty {
            guard let period = Int(fields[2]) else {
                throw TokenImportError(location, "the time interval '\(fields[2].prefix(20))' is not a number")
            }
            seed.period = seed.kind == .hotp && period == 0 ? 30 : period
        }
        if let name = optional(3) {
            guard let algorithm = OATHAlgorithm(name: name) else {
                throw TokenImportError(location, "unsupported algorithm '\(name.prefix(20))' (SHA1, SHA256 or SHA512)")
            }
            seed.algorithm = algorithm
        }
        if let digits = optional(4) {
            guard let value = Int(digits) else {
                throw TokenImportError(location, "digits '\(digits.prefix(20))' is not a number")
            }
            seed.digits = value
        }
        if let counter = optional(6) {
            guard let value = UInt64(counter) else {
                throw TokenImportError(location, "the counter '\(counter.prefix(20))' is not a whole number")
            }
            seed.counter = value
        }
        do {
            return try seed.validated()
        } catch {
            throw TokenImportError(location, error.description)
        }
    }
}
