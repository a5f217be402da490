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
}
