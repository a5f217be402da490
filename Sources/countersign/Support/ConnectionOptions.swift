import ArgumentParser
import CountersignClient
import Foundation

/// Where the admin API is and how to prove the right to use it.
struct ConnectionOptions: ParsableArguments {
    @Option(
        help:
            "The server's URL (default: $COUNTERSIGN_SERVER, else https://127.0.0.1:8180, where development mode listens)."
    )
    var server: String?

    @Option(help: "An admin token (default: $COUNTERSIGN_TOKEN).")
    var token: String?

    @Option(help: ConnectionOptions.caFileHelp)
    var caFile: String?

    static let caFileHelp = ArgumentHelp(
        "The CA certificates (PEM) that vouch for an https server, when a private CA signed its certificate (default: $COUNTERSIGN_CA_FILE, else the system's roots)."
    )

    func makeClient() throws -> JSONHTTPClient {
        let environment = ProcessInfo.processInfo.environment
        let url = try Self.serverURL(server)
        guard let token = token ?? environment["COUNTERSIGN_TOKEN"], !token.isEmpty else {
            throw ValidationError(
                "an admin token is needed: pass --token or set COUNTERSIGN_TOKEN (the server printed one on first start and saved it to DATA/admin-token)"
            )
        }
        return JSONHTTPClient(
            baseURL: url, defaultHeaders: ["Authorization": "Bearer \(token)"], trust: .from(caFile: caFile))
    }

    /// The flag, else COUNTERSIGN_SERVER, else the local default.
    static func serverURL(_ flag: String?) throws -> URL {
        let address = flag ?? ProcessInfo.processInfo.environment["COUNTERSIGN_SERVER"] ?? "https://127.0.0.1:8180"
        guard let url = URL(string: address), ["http", "https"].contains(url.scheme ?? "") else {
            throw ValidationError("--server '\(address)' is not an http or https URL")
        }
        return url
    }
}

/// Where the auth API is and the client API key that may use it (what an application holds).
struct ClientConnectionOptions: ParsableArguments {
    @Option(
        help:
            "The server's URL (default: $COUNTERSIGN_SERVER, else https://127.0.0.1:8180, where development mode listens)."
    )
    var server: String?

    @Option(help: "A client API key from 'countersign client create' (default: $COUNTERSIGN_API_KEY).")
    var apiKey: String?

    @Option(help: ConnectionOptions.caFileHelp)
    var caFile: String?

    func makeClient(timeout: TimeInterval = 30) throws -> JSONHTTPClient {
        let url = try ConnectionOptions.serverURL(server)
        guard let key = apiKey ?? ProcessInfo.processInfo.environment["COUNTERSIGN_API_KEY"], !key.isEmpty else {
            throw ValidationError(
                "a client API key is needed: pass --api-key or set COUNTERSIGN_API_KEY (make one with 'countersign client create NAME')"
            )
        }
        return JSONHTTPClient(
            baseURL: url, defaultHeaders: ["Authorization": "Bearer \(key)"], timeout: timeout,
            trust: .from(caFile: caFile))
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
        case .json: try Self.printJSON(value)
        case .table: Swift.print(table(value))
        }
    }

    /// Pretty, sorted JSON with ISO 8601 dates: what every `--format json` prints.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
