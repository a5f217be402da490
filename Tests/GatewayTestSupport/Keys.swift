import Crypto
import CryptoExtras

/// Keys the emulator has never seen, for forgeries.
public enum GatewayIdentityKeys {
    public static func freshP256PEM() -> String { P256.Signing.PrivateKey().pemRepresentation }
    public static func freshRSAPEM() throws -> String {
        try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
    }
}
