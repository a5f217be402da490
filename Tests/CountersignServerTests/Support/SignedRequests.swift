import CountersignClient
import CountersignCore
import Crypto
import Foundation

/// Builds device-API requests by hand, so tests can forge, tamper with and replay them.
struct SignedRequest {
    var method: String
    var path: String
    var body: Data
    var timestampMillis: Int64
    var signature: String

    init(method: String, path: String, body: Data, signedBy key: P256.Signing.PrivateKey, at date: Date) throws {
        self.method = method
        self.path = path
        self.body = body
        self.timestampMillis = Int64(date.timeIntervalSince1970 * 1000)
        self.signature = try DeviceRequestSignature.sign(
            method: method, path: path, timestampMillis: timestampMillis, body: body, with: key)
    }

    func send(to client: JSONHTTPClient) async throws -> (status: Int, error: ErrorBody?) {
        let (status, answer) = try await client.send(
            method: method, path: path, body: body,
            headers: [
                DeviceRequestSignature.timestampHeader: String(timestampMillis),
                DeviceRequestSignature.signatureHeader: signature,
            ])
        return (status, try? JSONDecoder().decode(ErrorBody.self, from: answer))
    }
}

func pairingBody(code: String, publicKey: P256.Signing.PublicKey, platform: DevicePlatform = .pollOnly) throws -> Data {
    try APIJSON.makeEncoder().encode(
        PairingRequest(
            code: code, platform: platform, pushToken: platform == .pollOnly ? nil : "token-1",
            environment: .production,
            publicKey: PublicKeyEncoding.encode(publicKey), displayName: "test phone"))
}
