import Foundation

/// Where the PostgreSQL database is, read from a `postgres://user:password@host:port/database` URL
/// (`postgresql://` too). Query items: `sslmode` (`disable`, `prefer` or `require`; `prefer` when
/// absent, as libpq does), `sslrootcert` (a PEM file of the CA that signed the server's certificate,
/// for a private CA) and `search_path` (a schema, for several installations in one database).
/// Unlike libpq's modes of the same names, `prefer` and `require` verify the certificate and the
/// host name whenever TLS is used: against `sslrootcert`, or the system's trust store.
///
/// `host=/a/directory`, as in libpq, connects through the server's Unix socket in that directory
/// (`.s.PGSQL.PORT`) instead of TCP: for a node on the database's own machine. The URL's host may
/// then be left out (`postgres://USER:PASSWORD@/DATABASE?host=/run/postgresql`); TLS does not apply.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    public var searchPath: String?
    /// The CA certificates (PEM) the server's certificate must chain to; nil for the system's.
    public var rootCertificates: String?
    /// The directory of the server's Unix socket, when it is reached through that and not TCP.
    public var socketDirectory: String?

    /// The socket's path: PostgreSQL names it after the port it would listen on.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        tls: TLSMode = .prefer, searchPath: String? = nil, rootCertificates: String? = nil,
        socketDirectory: String? = nil
    ) {
        self.rootCertificates = rootCertificates
        self.socketDirectory = socketDirectory
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.searchPath = searchPath
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// URLs are bounded: one from an environment variable or a flag is never a megabyte.
    static let maxLength = 2048

    public init(url text: String) throws {
        func invalid(_ why: String) -> Invalid {
            Invalid(
                description:
                    "the database URL is not usable: \(why) (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard text.utf8.count <= Self.maxLength else { throw invalid("it is longer than \(Self.maxLength) bytes") }
        guard let components = URLComponents(string: text) else { throw invalid("it is not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("its scheme must be postgres:// or postgresql://")
        }
        let socketDirectory = components.queryItems?.last { $0.name == "host" }?.value
        if let socketDirectory {
            guard socketDirectory.hasPrefix("/"), !socketDirectory.contains("..") else {
                throw invalid("host must be the absolute path of the directory of the server's Unix socket")
            }
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socketDirectory != nil ? "localhost" : "")
        guard !host.isEmpty else { throw invalid("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("it names no user") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("it names no database after the host") }
        var tls = TLSMode.prefer
        var searchPath: String?
        var rootCertificates: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw invalid("sslmode must be disable, prefer or require")
                }
                tls = mode
            case "search_path":
                guard let value = item.value, Self.isPlainName(value) else {
                    throw invalid("search_path must be one schema name of letters, digits and _")
                }
                searchPath = value
            case "host":
                continue
            case "sslrootcert":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw invalid("sslrootcert must be the absolute path of a PEM file")
                }
                rootCertificates = value
            default:
                throw invalid(
                    "'\(item.name)' is not a setting Countersign reads (sslmode, sslrootcert, search_path, host)")
            }
        }
        if rootCertificates != nil, tls == .disable { throw invalid("sslrootcert needs sslmode prefer or require") }
        if socketDirectory != nil {
            // As libpq: TLS is for TCP; a Unix socket never has it, so only `require` cannot be met.
            guard tls != .require, rootCertificates == nil else {
                throw invalid("a Unix socket (host=/…) has no TLS: sslmode=require and sslrootcert cannot apply")
            }
            tls = .disable
        }
        self.init(
            host: host, port: port, user: user, password: components.password, database: database, tls: tls,
            searchPath: searchPath, rootCertificates: rootCertificates, socketDirectory: socketDirectory)
    }

    static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 63
            && text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }

    /// The URL without its password, for logs and error messages.
    public var description: String {
        let settings = [searchPath.map { "search_path=\($0)" }, socketDirectory.map { "host=\($0)" }].compactMap { $0 }
        return "postgres://\(user)@\(host):\(port)/\(database)"
            + (settings.isEmpty ? "" : "?" + settings.joined(separator: "&"))
    }
}
