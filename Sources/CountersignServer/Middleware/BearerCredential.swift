import Hummingbird

extension Request {
    /// The credential in `Authorization: Bearer <credential>`, or an error naming what to send. The
    /// scheme is matched without regard to case (RFC 9110 §11.1), so `bearer` works too.
    func bearerCredential(kind: String) throws -> String {
        guard let header = headers[.authorization], let space = header.firstIndex(of: " "),
            header[..<space].caseInsensitiveCompare("Bearer") == .orderedSame
        else {
            throw APIError.unauthorized("this route needs \(kind): send 'Authorization: Bearer <\(kind)>'")
        }
        return String(header[header.index(after: space)...].drop(while: { $0 == " " }))
    }
}
