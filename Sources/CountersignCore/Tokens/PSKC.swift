import Crypto
import CryptoExtras
import Foundation

/// How to open the secrets of an encrypted PSKC file.
public struct PSKCDecryption: Sendable {
    /// The pre-shared AES key (RFC 6030 §6.1).
    public var preSharedKey: [UInt8]?
    /// The password the PBKDF2 key is derived from (RFC 6030 §6.2).
    public var password: String?

    public init(preSharedKey: [UInt8]? = nil, password: String? = nil) {
        self.preSharedKey = preSharedKey
        self.password = password
    }
}

/// Reads hardware tokens from a Portable Symmetric Key Container (RFC 6030): plain values,
/// AES-CBC encryption under a pre-shared key or a PBKDF2 password key, and HMAC value MACs.
///
/// Every MAC is checked before a decrypted value is used, and any problem refuses the whole file.
public enum PSKC {
    /// How often `progress` is told the number of tokens read so far.
    public static let progressInterval = 10_000
    /// PBKDF2 work a file may ask for: enough for any real file, not enough to stall the import.
    static let maximumIterations = 10_000_000

    public static func parse(
        _ data: Data, decryption: PSKCDecryption = PSKCDecryption(), progress: ((Int) -> Void)? = nil
    ) throws(TokenImportError) -> [TokenSeed] {
        var state = ContainerState(decryption: decryption)
        var seeds: [TokenSeed] = []
        var serials: [String: Int] = [:]
        var packages = 0
        let reader = PSKCReader { (part: PSKCNode) throws(TokenImportError) in
            switch part.name {
            case "EncryptionKey": state.encryptionKey = try encryptionKey(part, decryption: decryption)
            case "MACMethod": state.macKey = try macKey(part, encryptionKey: state.encryptionKey)
            case "KeyPackage":
                packages += 1
                guard seeds.count < TokenImportLimits.maximumTokens else {
                    throw TokenImportError(
                        "KeyPackage \(packages)", "more than \(TokenImportLimits.maximumTokens) tokens in one file")
                }
                let seed = try keyPackage(part, number: packages, state: state)
                if let earlier = serials[seed.serial.lowercased()] {
                    throw TokenImportError(
                        "KeyPackage \(packages)", "serial '\(seed.serial)' already appears in KeyPackage \(earlier)")
                }
                serials[seed.serial.lowercased()] = packages
                seeds.append(seed)
                if seeds.count % progressInterval == 0 { progress?(seeds.count) }
            case "Signature":
                // An XML signature cannot be checked without the signer's certificate; the value MACs
                // are what protect the secrets.
                break
            default: break
            }
        }
        try reader.read(data)
        guard !seeds.isEmpty else { throw TokenImportError("file", "no KeyPackage with a key") }
        return seeds
    }

    struct ContainerState {
        var decryption: PSKCDecryption
        var encryptionKey: SymmetricKey?
        var macKey: SymmetricKey?
    }

    // MARK: Keys that protect the file

    static func encryptionKey(_ node: PSKCNode, decryption: PSKCDecryption) throws(TokenImportError) -> SymmetricKey {
        // An empty EncryptionKey names no key: the pre-shared one (what python-pskc writes by default).
        let unnamed = node.children.isEmpty && node.trimmedText.isEmpty
        if let name = node.child("KeyName") ?? (unnamed ? node : nil) {
            guard let key = decryption.preSharedKey else {
                throw TokenImportError(
                    "EncryptionKey",
                    "the file is encrypted with the pre-shared key '\(name.trimmedText.prefix(60))'; give it with --key HEX"
                )
            }
            guard [16, 24, 32].contains(key.count) else {
                throw TokenImportError(
                    "EncryptionKey", "the pre-shared key must be 16, 24 or 32 bytes, not \(key.count)")
            }
            return SymmetricKey(data: key)
        }
        if let derived = node.child("DerivedKey") {
            return try passwordKey(derived, password: decryption.password)
        }
        if node.child("X509Data") != nil {
            throw TokenImportError(
                "EncryptionKey",
                "asymmetric (certificate) encryption is not supported; ask the vendor for a pre-shared key or password file"
            )
        }
        throw TokenImportError("EncryptionKey", "no KeyName or DerivedKey")
    }

    static func passwordKey(_ derived: PSKCNode, password: String?) throws(TokenImportError) -> SymmetricKey {
        let location = "EncryptionKey/DerivedKey"
        guard let method = derived.child("KeyDerivationMethod"),
            method.attributes["Algorithm"]?.hasSuffix("#pbkdf2") == true,
            let parameters = method.child("PBKDF2-params")
        else { throw TokenImportError(location, "only PBKDF2 key derivation is supported") }
        guard let password else {
            throw TokenImportError(location, "the file is encrypted with a password; give it with --password")
        }
        guard let saltText = parameters.find("Salt", "Specified")?.trimmedText, let salt = base64(saltText) else {
            throw TokenImportError(location, "PBKDF2-params has no Base64 Salt/Specified")
        }
        guard let iterations = Int(parameters.child("IterationCount")?.trimmedText ?? ""),
            (1...maximumIterations).contains(iterations)
        else { throw TokenImportError(location, "IterationCount must be a number from 1 to \(maximumIterations)") }
        guard let length = Int(parameters.child("KeyLength")?.trimmedText ?? ""), [16, 24, 32].contains(length) else {
            throw TokenImportError(location, "KeyLength must be 16, 24 or 32")
        }
        // An empty PRF means the default, HMAC-SHA1 (RFC 8018).
        let prf = parameters.child("PRF")?.attributes["Algorithm"] ?? ""
        let hash: KDF.Insecure.PBKDF2.HashFunction
        switch prf {
        case "",
            _ where prf.hasSuffix("hmacWithSHA1") || prf.hasSuffix("hmac-sha1"):
            hash = .insecureSHA1
        case _ where prf.hasSuffix("hmacWithSHA256") || prf.hasSuffix("hmac-sha256"): hash = .sha256
        case _ where prf.hasSuffix("hmacWithSHA512") || prf.hasSuffix("hmac-sha512"): hash = .sha512
        default: throw TokenImportError(location, "unsupported PBKDF2 PRF '\(prf.prefix(80))'")
        }
        do {
            // The file fixes the rounds; the cap above keeps a hostile count from stalling the import.
            return try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: hash, outputByteCount: length,
                unsafeUncheckedRounds: iterations)
        } catch {
            throw TokenImportError(location, "PBKDF2 failed (\(error))")
        }
    }

    static func macKey(_ node: PSKCNode, encryptionKey: SymmetricKey?) throws(TokenImportError) -> SymmetricKey {
        guard node.attributes["Algorithm"]?.hasSuffix("#hmac-sha1") == true else {
            throw TokenImportError(
                "MACMethod",
                "unsupported MAC algorithm '\(node.attributes["Algorithm"]?.prefix(80) ?? "none")' (HMAC-SHA1)")
        }
        guard let wrapped = node.child("MACKey") else { throw TokenImportError("MACMethod", "no MACKey") }
        guard let encryptionKey else {
            throw TokenImportError("MACMethod", "the MAC key is encrypted but the file has no EncryptionKey")
        }
        let (_, plaintext) = try decrypt(wrapped, key: encryptionKey, location: "MACMethod/MACKey")
        guard let plaintext else {
            throw TokenImportError(
                "MACMethod", "the MAC key could not be decrypted: the password or pre-shared key is wrong")
        }
        return SymmetricKey(data: plaintext)
    }

    /// Decrypts an EncryptedValue-shaped element; the plaintext is nil when the padding is wrong
    /// (which is what a wrong key almost always gives). Also returns the raw CipherValue for MACs.
    static func decrypt(_ node: PSKCNode, key: SymmetricKey, location: String) throws(TokenImportError)
        -> (cipherValue: [UInt8], plaintext: [UInt8]?)
    {
        let algorithm = node.child("EncryptionMethod")?.attributes["Algorithm"] ?? ""
        let keyBits = key.bitCount
        guard algorithm.hasSuffix("#aes\(keyBits)-cbc") else {
            throw TokenImportError(
                location, "unsupported encryption '\(algorithm.prefix(80))' for a \(keyBits)-bit key (AES-CBC)")
        }
        guard let text = node.find("CipherData", "CipherValue")?.trimmedText, let cipherValue = base64(text),
            cipherValue.count >= 32, cipherValue.count % 16 == 0
        else { throw TokenImportError(location, "CipherValue is not Base64 of an IV and whole AES blocks") }
        do {
            let iv = try AES._CBC.IV(ivBytes: cipherValue[0..<16])
            let plaintext = try AES._CBC.decrypt(cipherValue[16...], using: key, iv: iv)
            return (cipherValue, Array(plaintext))
        } catch {
            return (cipherValue, nil)
        }
    }

    // MARK: Tokens

    static func keyPackage(_ package: PSKCNode, number: Int, state: ContainerState) throws(TokenImportError)
        -> TokenSeed
    {
        guard let key = package.child("Key") else { throw TokenImportError("KeyPackage \(number)", "no Key") }
        let serial = package.find("DeviceInfo", "SerialNo")?.trimmedText ?? key.attributes["Id"] ?? ""
        let location = "KeyPackage \(number) (serial \(serial.prefix(64)))"
        let algorithm = key.attributes["Algorithm"] ?? ""
        var seed = TokenSeed(serial: serial, secret: [])
        switch algorithm {
        case "urn:ietf:params:xml:ns:keyprov:pskc:hotp", "urn:ietf:params:xml:ns:keyprov:pskc#hotp":
            seed.kind = .hotp
        case "urn:ietf:params:xml:ns:keyprov:pskc:totp", "urn:ietf:params:xml:ns:keyprov:pskc#totp":
            seed.kind = .totp
        default:
            throw TokenImportError(
                location, "unsupported algorithm '\(algorithm.prefix(80))' (HOTP and TOTP are supported)")
        }
        if let format = key.find("AlgorithmParameters", "ResponseFormat") {
            guard format.attributes["Encoding"] ?? "DECIMAL" == "DECIMAL" else {
                throw TokenImportError(location, "only DECIMAL response formats are supported")
            }
            guard let length = Int(format.attributes["Length"] ?? "") else {
                throw TokenImportError(location, "ResponseFormat has no numeric Length")
            }
            seed.digits = length
        }
        if let suite = key.find("AlgorithmParameters", "Suite")?.trimmedText, !suite.isEmpty {
            guard let hash = OATHAlgorithm(name: suite) else {
                throw TokenImportError(
                    location, "unsupported Suite '\(suite.prefix(40))' (HMAC-SHA1, -SHA256, -SHA512)")
            }
            seed.algorithm = hash
        }
        guard let data = key.child("Data"), let secretNode = data.child("Secret") else {
            throw TokenImportError(location, "no Data/Secret: keys derived on the server are not supported")
        }
        seed.secret = try value(of: secretNode, state: state, location: location + " Secret")
        if let counter = data.child("Counter") {
            guard let text = counter.child("PlainValue")?.trimmedText, let value = UInt64(text) else {
                throw TokenImportError(location, "Counter needs a plain whole-number value")
            }
            seed.counter = value
        }
        if let interval = data.child("TimeInterval") {
            guard let text = interval.child("PlainValue")?.trimmedText, let value = Int(text) else {
                throw TokenImportError(location, "TimeInterval needs a plain whole-number value")
            }
            seed.period = value
        }
        do {
            return try seed.validated()
        } catch {
            throw TokenImportError(location, error.description)
        }
    }

    /// A Secret's bytes: its PlainValue, or its EncryptedValue once the ValueMAC matches.
    static func value(of node: PSKCNode, state: ContainerState, location: String) throws(TokenImportError) -> [UInt8] {
        if let plain = node.child("PlainValue") {
            guard let bytes = base64(plain.trimmedText) else {
                throw TokenImportError(location, "PlainValue is not Base64")
            }
            return bytes
        }
        guard let encrypted = node.child("EncryptedValue") else {
            throw TokenImportError(location, "neither PlainValue nor EncryptedValue")
        }
        guard let key = state.encryptionKey else {
            throw TokenImportError(location, "the value is encrypted but the file has no EncryptionKey")
        }
        let (cipherValue, plaintext) = try decrypt(encrypted, key: key, location: location)
        // The MAC covers the IV and ciphertext and is checked before the plaintext is trusted. AES-CBC
        // alone cannot tell an altered file from a good one, so RFC 6030 requires the MAC with it.
        guard let macKey = state.macKey else {
            throw TokenImportError(
                location,
                "the value is encrypted but the file has no MACMethod; RFC 6030 requires a MAC with AES-CBC, without which an altered file cannot be told apart"
            )
        }
        guard let macText = node.child("ValueMAC")?.trimmedText, let expected = base64(macText) else {
            throw TokenImportError(location, "the value is encrypted but has no ValueMAC (RFC 6030 requires one)")
        }
        let actual = Array(HMAC<Insecure.SHA1>.authenticationCode(for: cipherValue, using: macKey))
        guard ConstantTime.equals(actual, expected) else {
            throw TokenImportError(location, "the ValueMAC does not match: the file was altered or the key is wrong")
        }
        guard let plaintext else {
            throw TokenImportError(
                location, "the value could not be decrypted: the password or pre-shared key is wrong")
        }
        return plaintext
    }

    static func base64(_ text: String) -> [UInt8]? {
        let compact = text.filter { !$0.isWhitespace }
        return Data(base64Encoded: compact).map(Array.init)
    }
}
