import Hummingbird

extension Request {
    /// The credential in `Authorization: Bearer <credential>`, or an error naming what to send.
    func bearerCredential(kind: String) throws -> String {
        let scheme = "Bearer "
        guard let header = headers[.authorization], header.hasPrefix(scheme) else {
            throw APIError.unauthorized("this route needs \(kind): send 'Authorization: Bearer <\(kind)>'")
        }
        return String(header.dropFirst(scheme.count))
    }
}
