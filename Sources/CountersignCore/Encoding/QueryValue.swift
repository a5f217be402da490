import Foundation

extension String {
    /// The string as one value in a URL's query: everything but letters, digits and `-._:` is
    /// percent-encoded, so `&`, `=`, `+` and `#` in a name cannot change the query.
    public var queryValue: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ".", "_", ":"])) ?? self
    }
}
