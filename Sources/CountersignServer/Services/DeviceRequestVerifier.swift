import CountersignCore
import CountersignStore
import Crypto
import Foundation
import Hummingbird

/// Authenticates a request from a paired phone. The signature is checked against the key stored
/// at pairing before anything in the body is read; then the timestamp; then whether the pairing
/// still counts (active, under the current activation).
struct DeviceRequestVerifier: Sendable {
    let environment: ServerEnvironment

    struct Verified {
        let credentials: DeviceCredentials
        let timestampMillis: Int64
    }

    func verify(deviceId: String, method: String, path: String, headers: HTTPFields, body: Data) async throws
        -> Verified
    {
        let signed = try SignedHeaders(headers)
        let credentials: DeviceCredentials
        do {
            credentials = try await environment.store.deviceCredentials(id: deviceId)
        } catch StoreError.deviceNotFound {
            // The phone holds a pairing the server does not know (deleted user, other server):
            // the advice is the same as for a stale pairing.
            throw APIError.notActivated
        }
        guard let publicKey = try? P256.Signing.PublicKey(x963Representation: credentials.publicKey),
            DeviceRequestSignature.isValid(
                signature: signed.signature, method: method, path: path, timestampMillis: signed.timestampMillis,
                body: body, publicKey: publicKey)
        else {
            throw APIError.unauthorized("the request's signature does not match the device's key")
        }
        guard DeviceRequestSignature.isFresh(timestampMillis: signed.timestampMillis, now: environment.clock.now())
        else {
            throw APIError.unauthorized("the request's timestamp is too far from the server's clock")
        }
        guard credentials.isActivated else { throw APIError.notActivated }
        return Verified(credentials: credentials, timestampMillis: signed.timestampMillis)
    }
}
