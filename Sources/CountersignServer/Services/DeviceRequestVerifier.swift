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
        let credentials = try await credentials(deviceId)
        try check(signed, method: method, path: path, body: body, key: try publicKey(credentials))
        guard credentials.isActivated else { throw StoreError.deviceNotActivated }
        return Verified(credentials: credentials, timestampMillis: signed.timestampMillis)
    }

    /// The signature and timestamp only, with the device's key from the cache when it is there, for
    /// routes whose store call checks that the device still counts inside its own transaction
    /// (`acceptDeviceRequest`), where it also moves the replay mark. Returns the request's timestamp.
    func verifySignature(deviceId: String, method: String, path: String, headers: HTTPFields, body: Data)
        async throws -> Int64
    {
        let signed = try SignedHeaders(headers)
        if let cached = environment.caches.devicePublicKey(id: deviceId) {
            try check(signed, method: method, path: path, body: body, key: cached)
            return signed.timestampMillis
        }
        let credentials = try await credentials(deviceId)
        let key = try publicKey(credentials)
        try check(signed, method: method, path: path, body: body, key: key)
        environment.caches.rememberDevicePublicKey(key, id: deviceId)
        guard credentials.isActivated else { throw StoreError.deviceNotActivated }
        return signed.timestampMillis
    }

    private func credentials(_ deviceId: String) async throws -> DeviceCredentials {
        do {
            return try await environment.store.deviceCredentials(id: deviceId)
        } catch StoreError.deviceNotFound {
            // The phone holds a pairing the server does not know (deleted user, other server):
            // the advice is the same as for a stale pairing.
            throw StoreError.deviceNotActivated
        }
    }

    private func publicKey(_ credentials: DeviceCredentials) throws -> P256.Signing.PublicKey {
        guard let key = try? P256.Signing.PublicKey(x963Representation: credentials.publicKey) else {
            throw UseCaseError.unauthenticated("the request's signature does not match the device's key")
        }
        return key
    }

    private func check(
        _ signed: SignedHeaders, method: String, path: String, body: Data, key: P256.Signing.PublicKey
    ) throws {
        guard
            DeviceRequestSignature.isValid(
                signature: signed.signature, method: method, path: path, timestampMillis: signed.timestampMillis,
                body: body, publicKey: key)
        else {
            throw UseCaseError.unauthenticated("the request's signature does not match the device's key")
        }
        guard DeviceRequestSignature.isFresh(timestampMillis: signed.timestampMillis, now: environment.clock.now())
        else {
            throw UseCaseError.unauthenticated("the request's timestamp is too far from the server's clock")
        }
    }
}
