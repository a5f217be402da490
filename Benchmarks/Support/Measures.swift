import Foundation

/// `--name VALUE` options, with a default when absent or unreadable.
public struct Arguments {
    let values: [String]
    public init(_ values: [String]) { self.values = values }

    public func int(_ name: String, _ fallback: Int) -> Int {
        guard let index = values.firstIndex(of: name), index + 1 < values.count, let value = Int(values[index + 1])
        else { return fallback }
        return value
    }

    public func has(_ flag: String) -> Bool { values.contains(flag) }
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
