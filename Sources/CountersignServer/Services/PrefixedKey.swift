import CountersignCore

/// The shape shared by admin tokens (`csa_…`) and client API keys (`csk_…`): `PREFIX_ID_SECRET`.
/// The id finds the row; only SHA-256 of the secret is stored, compared in constant time.
struct PrefixedKey {
    let prefix: String
    let id: String
    let secret: String

    var text: String { "\(prefix)_\(id)_\(secret)" }
    var secretHash: String { SecretHash.sha256Hex(secret) }

    /// A new key: 64 random bits of id, 256 of secret.
    static func make(prefix: String) -> PrefixedKey {
        PrefixedKey(prefix: prefix, id: Hex.encode(SecureRandom.bytes(8)), secret: SecureRandom.token(byteCount: 32))
    }

    /// Reads a presented key, or nil when it is not shaped like one with this prefix.
    init?(parsing text: String, prefix: String) {
        // The secret is base64url and may itself contain '_': split at the first two only.
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard text.utf8.count <= 256, parts.count == 3, parts[0] == prefix, parts[1].utf8.count == 16 else {
            return nil
        }
        self.init(prefix: prefix, id: String(parts[1]), secret: String(parts[2]))
    }

    init(prefix: String, id: String, secret: String) {
        self.prefix = prefix
        self.id = id
        self.secret = secret
    }

    func matches(storedHash: String) -> Bool {
        SecretHash.matches(secret, expectedHex: storedHash)
    }
}
