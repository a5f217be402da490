import Crypto
import CryptoExtras

/// Keys the emulator has never seen, for forgeries.
enum GatewayIdentityKeys {
    static func freshP256PEM() -> String { P256.Signing.PrivateKey().pemRepresentation }
    static func freshRSAPEM() throws -> String { try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation }
}
