import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// CPU time (user + system) a process has used so far, read from /proc, so that a benchmark can
/// say how much of the machine each of its processes took.
public enum ProcessCPU {
    /// Seconds of CPU used by process `pid`, or by this process when nil.
    public static func seconds(pid: Int32? = nil) -> Double? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let afterName = text.range(of: ") ", options: .backwards)
        else { return nil }
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
        let fields = text[afterName.upperBound...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Seconds of CPU used so far by every process whose command is `name` (PostgreSQL's server
    /// and its backends are all "postgres"). Backends that exit during a run take their share with
    /// them, so pooled, long-lived connections are what this counts well.
    public static func seconds(ofProcessesNamed name: String) -> Double {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = 0.0
        for entry in entries {
            guard let pid = Int32(entry),
                let command = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                command.trimmingCharacters(in: .whitespacesAndNewlines) == name
            else { continue }
            total += seconds(pid: pid) ?? 0
        }
        return total
    }
}
