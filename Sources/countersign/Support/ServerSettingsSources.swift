import ArgumentParser
import Foundation

/// Where `countersign server` takes its settings from, in order: a config file (`--config FILE`),
/// then the environment (`COUNTERSIGN_LISTEN` for `--listen`, `COUNTERSIGN_TLS_CERT` for
/// `--tls-cert`, …), then the command line, each overriding the one before. Every setting is one of
/// the server's flags, so all three say the same things with the same checks: the file and the
/// environment become flags placed before the command line's, and the last value of a flag wins.
struct ServerSettingsSources {
    /// The server's flags by long name (`tls-cert`), each an option taking a value or a flag without one.
    let known: [String: Kind]
    let environment: [String: String]

    enum Kind {
        case option
        case flag
    }

    /// A config file that cannot be used, with the line that is wrong.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The longest config file read: a few dozen settings fit in far less.
    static let maxFileBytes = 64 * 1024

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        var known: [String: Kind] = [:]
        for child in Mirror(reflecting: ServerCommand()).children {
            guard let label = child.label, label.hasPrefix("_") else { continue }
            let name = Self.kebab(String(label.dropFirst()))
            known[name] = String(describing: type(of: child.value)).hasPrefix("Flag<") ? .flag : .option
        }
        self.known = known
        self.environment = environment
    }

    /// `tlsCert` → `tls-cert`, `publicURL` → `public-url`: ArgumentParser's own naming.
    static func kebab(_ name: String) -> String {
        var result = ""
        var previousWasLower = false
        for character in name {
            if character.isUppercase, previousWasLower { result.append("-") }
            previousWasLower = character.isLowercase || character.isNumber
            result += character.lowercased()
        }
        return result
    }

    /// The environment variable for a flag: `tls-cert` → `COUNTERSIGN_TLS_CERT`.
    static func variable(for name: String) -> String {
        "COUNTERSIGN_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The arguments `countersign server` is parsed with: the file's, the environment's, then the
    /// command line's own (`arguments`, after `server`).
    func arguments(_ arguments: [String]) throws -> [String] {
        var fileSettings: [(String, String)] = []
        if let path = Self.configPath(arguments) ?? environment["COUNTERSIGN_CONFIG"] {
            fileSettings = try read(configFile: path)
        }
        var environmentSettings: [(String, String)] = []
        for name in known.keys.sorted() where name != "config" {
            if let value = environment[Self.variable(for: name)] { environmentSettings.append((name, value)) }
        }
        var result: [String] = []
        var flags: [String: Bool] = [:]
        for (name, value) in fileSettings + environmentSettings {
            switch known[name] {
            case .flag:
                guard let on = Self.boolean(value) else {
                    throw Invalid(description: "\(name) is on or off: true or false, not '\(value)'")
                }
                flags[name] = on
            case .option, nil:
                result += ["--\(name)", value]
            }
        }
        // A flag cannot be turned off on the command line, so its last word is decided here.
        for (name, on) in flags.sorted(by: { $0.key < $1.key }) where on { result.append("--\(name)") }
        // `--config` stays in: ArgumentParser checks it too, and shows it in the help.
        return result + arguments
    }

    /// `name = value` lines; `#` starts a comment, blank lines are skipped, and a value may be quoted.
    func read(configFile path: String) throws -> [(String, String)] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Invalid(description: "the config file \(path) cannot be read")
        }
        defer { try? handle.close() }
        let data = handle.readData(ofLength: Self.maxFileBytes + 1)
        guard data.count <= Self.maxFileBytes else {
            throw Invalid(description: "the config file \(path) is larger than \(Self.maxFileBytes / 1024) KB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(description: "the config file \(path) is not UTF-8 text")
        }
        var settings: [(String, String)] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let place = "\(path), line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw Invalid(description: "\(place): expected 'name = value', found '\(line.prefix(80))'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard known[name] != nil, name != "config" else {
                throw Invalid(
                    description:
                        "\(place): '\(name.prefix(80))' is not a setting of countersign server (the settings are its flags without the dashes; see countersign server --help)"
                )
            }
            settings.append((name, value))
        }
        return settings
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0", "": false
        default: nil
        }
    }

    static func configPath(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }
}
