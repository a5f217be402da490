import Foundation

/// A schema of the run's own in a PostgreSQL server, made with psql, so that runs never share rows.
enum PostgresSchema {
    /// Returns the URL that opens the new schema.
    static func make(in serverURL: String) throws -> String {
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", serverURL, "-c", "CREATE SCHEMA \(schema)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("psql could not create a schema") }
        return serverURL + (serverURL.contains("?") ? "&" : "?") + "search_path=\(schema)"
    }

    /// One query's rows, fields separated by `|`, with psql; `SCHEMA.` in the text names the run's
    /// schema, taken from its URL.
    static func query(_ serverURL: String, schemaURL: String, _ sql: String) throws -> [[String]] {
        guard let schema = schemaURL.components(separatedBy: "search_path=").last else {
            throw BenchFailure("no schema in \(schemaURL)")
        }
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", serverURL, "-c",
            sql.replacingOccurrences(of: "SCHEMA.", with: schema + "."),
        ]
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("psql could not run: \(sql)") }
        return text.split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
