import Foundation

/// What `countersign user pair` prints and a phone redeems: `countersign://pair?server=URL&code=CODE`.
public struct PairingURL: Sendable, Equatable {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notAPairingURL(String)
        case missingParameter(String)
        case badServerURL(String)

        public var description: String {
            switch self {
            case .notAPairingURL(let text):
                "'\(text)' is not a pairing URL (expected countersign://pair?server=…&code=…)"
            case .missingParameter(let name): "the pairing URL has no '\(name)' parameter"
            case .badServerURL(let text): "the pairing URL's server '\(text)' is not an http or https URL"
            }
        }
    }

    public static let scheme = "countersign"
    public var server: URL
    public var code: String

    public init(server: URL, code: String) {
        self.server = server
        self.code = code
    }

    public init(parsing text: String) throws(ParseError) {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
            components.scheme == Self.scheme, components.host == "pair"
        else { throw .notAPairingURL(String(text.prefix(80))) }
        let items = components.queryItems ?? []
        guard let serverText = items.first(where: { $0.name == "server" })?.value, !serverText.isEmpty else {
            throw .missingParameter("server")
        }
        guard let code = items.first(where: { $0.name == "code" })?.value, !code.isEmpty else {
            throw .missingParameter("code")
        }
        guard let server = URL(string: serverText), ["http", "https"].contains(server.scheme ?? ""), server.host != nil
        else { throw .badServerURL(serverText) }
        self.init(server: server, code: code)
    }

    public var text: String {
        var components = URLComponents()
        components.scheme = Self.scheme
        components.host = "pair"
        components.queryItems = [
            URLQueryItem(name: "server", value: server.absoluteString),
            URLQueryItem(name: "code", value: code),
        ]
        // URLComponents leaves ':' and '/' unescaped inside query values; escape them so that the
        // server URL survives any parser.
        components.percentEncodedQueryItems = components.queryItems?.map {
            URLQueryItem(name: $0.name, value: $0.value?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        }
        return components.string ?? "\(Self.scheme)://pair"
    }
}
