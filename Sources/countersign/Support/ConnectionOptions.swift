import ArgumentParser
import CountersignClient
import Foundation

/// Where the admin API is and how to prove the right to use it.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's URL (default: $COUNTERSIGN_SERVER, else http://127.0.0.1:8180).")
    var server: String?

    @Option(help: "An admin token (default: $COUNTERSIGN_TOKEN).")
    var token: String?

    func makeClient() throws -> JSONHTTPClient {
        let environment = ProcessInfo.processInfo.environment
        let address = server ?? environment["COUNTERSIGN_SERVER"] ?? "http://127.0.0.1:8180"
        guard let url = URL(string: address), ["http", "https"].contains(url.scheme ?? "") else {
            throw ValidationError("--server '\(address)' is not an http or https URL")
        }
        guard let token = token ?? environment["COUNTERSIGN_TOKEN"], !token.isEmpty else {
            throw ValidationError(
                "an admin token is needed: pass --token or set COUNTERSIGN_TOKEN (the server printed one on first start and saved it to DATA/admin-token)"
            )
        }
        return JSONHTTPClient(baseURL: url, defaultHeaders: ["Authorization": "Bearer \(token)"])
    }
}

/// How read commands print: a table for people, JSON for scripts.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @Option(help: "table or json.")
    var format: Format = .table

    /// Prints `value` as JSON, or calls `table` to print it for people.
    func print<Value: Encodable>(_ value: Value, table: (Value) -> String) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
        case .table:
            Swift.print(table(value))
        }
    }
}
