import BenchmarkSupport
import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// Registers phones with the gateway and pairs them through the store, as redeeming codes would.
struct Seeding {
    static let provider = "bench"
    let store: any RegistryStore
    let http: BenchHTTP
    let gateway: GatewayProcess
    /// Whether phones get push keys, as pairing gives them; without, every push is followed by a fetch.
    let withPushKeys: Bool

    func pair(count: Int) async throws -> [FleetPhone] {
        let now = Date()
        _ = try await store.createProvider(
            NewProvider(name: Self.provider, billing: .perAuthentication, tenant: nil), now: now)
        let serverKey = P256.Signing.PrivateKey()
        let activation = try await store.activate(providerName: Self.provider, serverKey: serverKey, now: now)
        let control = gateway.controlURL.absoluteString
        // Eight at a time: the gateway and SQLite both serialise writes, so more gains nothing.
        return try await withThrowingTaskGroup(of: FleetPhone.self) { group in
            var phones: [FleetPhone] = []
            for index in 0..<count {
                if index >= 8, let phone = try await group.next() { phones.append(phone) }
                group.addTask {
                    let registration = try APIJSON.makeEncoder().encode(
                        PushGatewayAPI.Registration(platform: .apns, phone: "bench-\(index)"))
                    let device = try await http.send(
                        .POST, control + "/gateway/devices", body: registration, as: PushGatewayAPI.Device.self)
                    let user = "user-\(index)"
                    _ = try await store.createUser(
                        NewUser(
                            name: user, firstName: nil, lastName: nil, email: nil, phone: nil, country: nil),
                        now: now)
                    let code = "code-\(index)"
                    try await store.createActivationCode(
                        user: user, codeHash: SecretHash.sha256Hex(code), expiresAt: now.addingTimeInterval(3600),
                        now: now)
                    let key = P256.Signing.PrivateKey()
                    let pushKey = withPushKeys ? SealedPushChallenge.makeKey() : nil
                    let paired = try await store.redeemActivationCode(
                        codeHash: SecretHash.sha256Hex(code),
                        device: NewDevice(
                            platform: .apns, pushToken: device.token, environment: .production,
                            publicKey: key.publicKey.x963Representation, oathSecret: SecureRandom.bytes(20),
                            pushKey: pushKey, displayName: nil),
                        now: now)
                    return FleetPhone(
                        deviceId: paired.device.id, token: device.token, key: key, serverKey: serverKey.publicKey,
                        activationId: activation.id, pushKey: pushKey)
                }
            }
            for try await phone in group { phones.append(phone) }
            return phones
        }
    }
}
