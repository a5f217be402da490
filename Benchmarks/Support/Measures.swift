import Foundation

/// A benchmark's command line: the options it takes, each with its default and what it means.
/// `--help` prints them and exits 0; an unknown option or a value that is not a number is refused
/// with exit status 2 before anything runs; otherwise the benchmark says what it will run.
public struct Arguments {
    public enum Kind: Sendable {
        case number(Int)
        case flag
    }

    public struct Option: Sendable {
        let name: String
        let kind: Kind
        let help: String

        public static func number(_ name: String, _ fallback: Int, _ help: String) -> Option {
            Option(name: name, kind: .number(fallback), help: help)
        }

        public static func flag(_ name: String, _ help: String) -> Option {
            Option(name: name, kind: .flag, help: help)
        }
    }

    let numbers: [String: Int]
    let flags: Set<String>

    /// Parses `CommandLine.arguments` against `options`, or prints the usage or the error and exits.
    public init(benchmark: String, summary: String, options: [Option], values: [String] = CommandLine.arguments) {
        switch Self.parse(Array(values.dropFirst()), options) {
        case .success(let parsed):
            (numbers, flags) = parsed
            let chosen = options.map { option -> String in
                switch option.kind {
                case .number: "\(option.name) \(parsed.0[option.name] ?? 0)"
                case .flag: parsed.1.contains(option.name) ? option.name : ""
                }
            }.filter { !$0.isEmpty }
            print("\(benchmark): \(summary)")
            print("Running with \(chosen.joined(separator: " ")) (--help lists the options)")
        case .failure(let failure):
            let usage = Self.usage(benchmark, summary, options)
            if failure.message.isEmpty {
                print(usage)
                exit(0)
            }
            FileHandle.standardError.write(Data("\(benchmark): \(failure.message)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }

    struct Failure: Error {
        /// Empty for `--help`.
        let message: String
    }

    static func parse(_ values: [String], _ options: [Option]) -> Result<([String: Int], Set<String>), Failure> {
        var numbers: [String: Int] = [:]
        var flags: Set<String> = []
        for option in options { if case .number(let fallback) = option.kind { numbers[option.name] = fallback } }
        var index = 0
        while index < values.count {
            let value = values[index]
            if value == "--help" || value == "-h" { return .failure(Failure(message: "")) }
            guard let option = options.first(where: { $0.name == value }) else {
                return .failure(Failure(message: "unknown option '\(value)'"))
            }
            switch option.kind {
            case .flag:
                flags.insert(option.name)
            case .number:
                guard index + 1 < values.count, let number = Int(values[index + 1]), number >= 0 else {
                    return .failure(Failure(message: "\(option.name) needs a whole number of 0 or more"))
                }
                numbers[option.name] = number
                index += 1
            }
            index += 1
        }
        return .success((numbers, flags))
    }

    static func usage(_ benchmark: String, _ summary: String, _ options: [Option]) -> String {
        var lines = ["\(benchmark): \(summary)", "", "Options:"]
        for option in options {
            switch option.kind {
            case .number(let fallback): lines.append("  \(option.name) N   \(option.help) (default \(fallback))")
            case .flag: lines.append("  \(option.name)   \(option.help)")
            }
        }
        lines.append("  --help   show this and exit")
        return lines.joined(separator: "\n")
    }

    /// The option's value, or the default it was declared with.
    public func int(_ name: String) -> Int { numbers[name] ?? 0 }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// The value below which a fraction `p` of the sorted samples fall.
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

public func format(_ value: Double) -> String { String(format: "%.2f", value) }

extension Duration {
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    public var seconds: Double { milliseconds / 1000 }
}
