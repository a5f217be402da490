import CountersignCore
import CountersignStore
import Crypto
import Foundation

extension ContractStore {
    /// A push challenge for `user` signed by the current activation, as the sign-in use case makes it.
    func pushChallenge(
        _ user: String = "alice", number: Int = 42, lifetime: TimeInterval = 60, at time: Date? = nil
    ) async throws -> NewPushChallenge {
        let at = time ?? now
        let activation = try await store.currentActivation()
        let id = activation?.id ?? "none"
        let details = ChallengeDetails(
            transactionId: UUID().uuidString.lowercased(), activationId: id, user: user, application: "VPN",
            clientIP: "203.0.113.7", location: nil, createdAt: at, deadline: at.addingTimeInterval(lifetime))
        let key = try await store.serverSigningKey(activationId: id)
        return NewPushChallenge(
            details: details, signed: try SignedChallenge.sign(details, with: key), number: number,
            relyingParty: "vpn", requestedMethod: .push)
    }

    /// Starts a push sign-in with the default limits.
    func startPush(
        _ user: String = "alice", limits: PushLimits = PushLimits(), at time: Date? = nil, lifetime: TimeInterval = 60
    ) async throws -> StartedPushChallenge {
        try await store.startPushChallenge(
            try await pushChallenge(user, lifetime: lifetime, at: time), limits: limits, origin: origin,
            now: time ?? now)
    }

    /// The log, newest first.
    func log(user: String? = nil) async throws -> [AuthLogRow] {
        try await store.authLog(AuthLogFilter(user: user, limit: 1000)).entries
    }

    /// The current offline code of a paired app.
    func appCode(deviceId: String, at time: Date? = nil) async throws -> String {
        let secret = try await store.deviceOATHSecret(id: deviceId)
        return TOTP(hotp: try HOTP(secret: secret)).code(at: time ?? now)
    }

    func verifyCode(
        _ code: String, user: String = "alice", policy: LockoutPolicy = LockoutPolicy(), at time: Date? = nil,
        from address: String? = nil
    )
        async throws -> AuthTransaction
    {
        try await store.verifyOneTimeCode(
            user: user, code: code, context: AuthContext(application: "VPN", clientIP: address), relyingParty: "vpn",
            policy: policy, origin: origin, now: time ?? now)
    }

    /// Gives provider "acme" a telephony gateway, so texts and calls can start.
    func withTelephony() async throws {
        try await store.setTelephonySettings(
            TelephonySettings(gateways: [TelephonyGatewaySettings(url: "https://gateway.example/messages")]),
            provider: "acme")
        _ = try await store.updateProviderSettings(name: "acme") { $0.voiceCallerId = "+15555550199" }
    }

    func startPhone(
        _ method: AuthMethod, secret: String = "123456", limits: PhoneLimits = PhoneLimits(), at time: Date? = nil
    ) async throws -> PhoneDelivery {
        try await store.startPhoneChallenge(
            NewPhoneChallenge(
                method: method, user: "alice", transactionId: UUID().uuidString.lowercased(), secret: secret,
                context: AuthContext(application: "VPN"), relyingParty: "vpn", lifetime: 300, senderRotation: 0),
            limits: limits, origin: origin, now: time ?? now)
    }
}

extension ContractStore {
    /// A code that none of the device's codes in the accepted window equals.
    func wrongAppCode(deviceId: String, at time: Date? = nil) async throws -> String {
        let secret = try await store.deviceOATHSecret(id: deviceId)
        let totp = TOTP(hotp: try HOTP(secret: secret))
        let step = totp.step(at: time ?? now)
        let window = Set((step - 1...step + 1).map { totp.code(step: $0) })
        return ["000000", "111111", "222222", "333333"].first { !window.contains($0) } ?? "444444"
    }
}
