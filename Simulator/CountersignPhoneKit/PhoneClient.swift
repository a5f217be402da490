import CountersignClient
import CountersignCore
import Crypto
import Foundation
import Synchronization

/// The simulated app's side of the device API: pairing, and requests signed with the phone's key.
public struct PhoneClient: Sendable {
    public var clock: any WallClock
    /// What vouches for an https server's certificate.
    public var trust: ServerTrust
    private let timestamps = TimestampSequence()

    public init(clock: any WallClock = SystemWallClock(), trust: ServerTrust = .standard) {
        self.clock = clock
        self.trust = trust
    }

    /// Makes a fresh key pair, redeems the pairing URL's code, and returns the new account
    /// (not yet saved).
    public func pair(
        _ url: PairingURL, platform: DevicePlatform = .pollOnly, pushToken: String? = nil,
        environment: PushEnvironment = .production, displayName: String? = nil
    ) async throws -> PhoneAccount {
        let key = P256.Signing.PrivateKey()
        let request = PairingRequest(
            code: url.code, platform: platform, pushToken: pushToken, environment: environment,
            publicKey: PublicKeyEncoding.encode(key.publicKey), displayName: displayName)
        let client = JSONHTTPClient(baseURL: url.server, trust: trust)
        let body = try client.encode(request) ?? Data()
        let (status, answer) = try await send(
            client, method: "POST", path: "/v1/devices", body: body, key: key, deviceId: nil)
        let response = try JSONHTTPClient.decode(PairingResponse.self, status: status, body: answer)
        return PhoneAccount(
            server: url.server, user: response.user, deviceId: response.deviceId, activationId: response.activationId,
            serverPublicKey: response.serverPublicKey, oath: response.oath, platform: platform, pushToken: pushToken,
            privateKey: Base64URL.encode(key.rawRepresentation), pushKey: response.pushKey, pairedAt: clock.now())
    }

    /// Tells the server the phone's new push token.
    public func updatePushToken(_ account: PhoneAccount, to token: String) async throws -> PhoneAccount {
        let client = JSONHTTPClient(baseURL: account.server, trust: trust)
        let body = try client.encode(PushTokenUpdate(pushToken: token, environment: nil)) ?? Data()
        let (status, answer) = try await send(
            client, method: "PUT", path: "/v1/devices/\(account.deviceId)/push-token", body: body,
            key: account.signingKey(), deviceId: account.deviceId)
        _ = try Self.checked(status: status, body: answer)
        var updated = account
        updated.pushToken = token
        return updated
    }

    /// Signs and sends one request: the same bytes that are signed are the ones sent.
    func send(
        _ client: JSONHTTPClient, method: String, path: String, body: Data, key: P256.Signing.PrivateKey,
        deviceId: String?
    ) async throws -> (Int, Data) {
        let timestamp = timestamps.next(Int64((clock.now().timeIntervalSince1970 * 1000).rounded(.down)))
        let signature = try DeviceRequestSignature.sign(
            method: method, path: path, timestampMillis: timestamp, body: body, with: key)
        var headers = [
            DeviceRequestSignature.timestampHeader: String(timestamp),
            DeviceRequestSignature.signatureHeader: signature,
        ]
        headers[DeviceRequestSignature.deviceHeader] = deviceId
        return try await client.send(method: method, path: path, body: body, headers: headers)
    }

    /// A stale pairing becomes `PhoneError.notActivated`; other refusals keep the server's words.
    static func checked(status: Int, body: Data) throws -> Data {
        guard (200..<300).contains(status) else {
            let failure = JSONHTTPClient.failure(status: status, body: body)
            if failure.code == "not_activated" { throw PhoneError.notActivated }
            throw failure
        }
        return body
    }
}

/// The server takes only requests newer than the last one from a device, so two requests from one
/// client in the same millisecond must not share a timestamp.
public final class TimestampSequence: Sendable {
    private let last = Mutex<Int64>(0)

    public init() {}

    public func next(_ now: Int64) -> Int64 {
        last.withLock { last in
            last = max(now, last + 1)
            return last
        }
    }
}
