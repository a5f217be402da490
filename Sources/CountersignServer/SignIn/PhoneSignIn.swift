import CountersignCore
import CountersignStore
import Foundation

/// Sign-ins by SMS code and by voice call, through the provider's telephony gateways.
struct PhoneSignIn: Sendable {
    let environment: ServerEnvironment

    /// Stores the challenge (so a restart loses no pending code), then asks a gateway to deliver it.
    /// When no gateway accepts, the challenge ends as failed and the caller gets a 502.
    func start(_ request: SignInRequest, method: AuthMethod, client: String) async throws -> AuthTransaction {
        let user = request.user
        let context = request.context
        let settings = environment.settings
        let transactionId = UUID().uuidString.lowercased()
        // SMS: the code the user types. Voice: the secret in the callback URL that proves an answer
        // comes from the gateway that placed the call.
        let secret =
            method == .sms
            ? String(format: "%06d", Int.random(in: 0..<1_000_000)) : SecureRandom.token(byteCount: 24)
        let lifetime = method == .sms ? settings.phoneLimits.smsCodeLifetime : try request.timeout(settings)
        let delivery = try await environment.store.startPhoneChallenge(
            NewPhoneChallenge(
                method: method, user: user, transactionId: transactionId, secret: secret, context: context,
                relyingParty: client, lifetime: lifetime,
                senderRotation: await environment.telephony.nextSenderRotation()),
            limits: settings.phoneLimits, origin: settings.logOrigin, now: environment.clock.now())

        let message: TelephonyMessage
        let application = context.application ?? "your account"
        if method == .sms {
            message = TelephonyMessage(
                kind: .sms, to: delivery.phone, from: delivery.sender,
                text:
                    "Your \(settings.serverName) verification code is \(secret). It expires in \(Int(lifetime / 60)) minutes. Never share it.",
                transactionId: transactionId)
        } else {
            var callback = URLComponents(
                url: settings.publicURL.appendingPathComponent("v1/telephony/calls/\(transactionId)"),
                resolvingAgainstBaseURL: false)
            callback?.queryItems = [URLQueryItem(name: "token", value: secret)]
            message = TelephonyMessage(
                kind: .voice, to: delivery.phone, from: delivery.sender,
                text:
                    "This is \(settings.serverName). Someone is signing in to \(application) as you. Press the pound key to approve. If this was not you, press zero and then pound to report fraud.",
                transactionId: transactionId, callbackURL: callback?.url?.absoluteString)
        }
        do {
            _ = try await environment.telephony.send(message, via: delivery.telephony)
        } catch {
            try await environment.store.failPhoneChallenge(
                id: transactionId, reason: "\(error)", origin: settings.logOrigin, now: environment.clock.now())
            await environment.events.publish(.signInsChanged(ids: [transactionId]))
            throw UseCaseError.deliveryFailed("\(error)")
        }
        return delivery.transaction
    }

    func verify(transactionId: String, code: String, client: String) async throws -> AuthTransaction {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw Validation.Failure("an SMS code is 6 digits")
        }
        let settings = environment.settings
        let transaction = try await environment.store.verifySMSCode(
            transactionId: transactionId, relyingParty: client, code: code, policy: settings.lockout,
            origin: settings.logOrigin, now: environment.clock.now())
        await environment.events.publish(.signInsChanged(ids: [transactionId]))
        return transaction
    }

    /// The gateway's callback with the keys a called user pressed.
    func answerCall(transactionId: String, token: String, digits: String) async throws -> AuthTransaction {
        guard digits.utf8.count <= 16,
            digits.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x23 || $0 == 0x2A })
        else { throw Validation.Failure("digits are at most 16 of 0-9, # and *") }
        let settings = environment.settings
        let transaction = try await environment.store.answerVoiceCall(
            transactionId: transactionId, token: token, digits: digits,
            fraudBlock: settings.pushLimits.fraudBlock, origin: settings.logOrigin,
            now: environment.clock.now())
        await environment.events.publish(.signInsChanged(ids: [transactionId]))
        return transaction
    }
}
