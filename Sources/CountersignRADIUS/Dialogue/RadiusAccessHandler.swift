import CountersignCore
import CountersignServer
import CountersignStore
import Crypto
import Foundation
import Logging

/// Answers one Access-Request from a known client whose packet was checked: decides what the
/// request asks (`RadiusDialogue`), checks the first factor when the client has one, calls the same
/// sign-in use cases as the JSON API and words the outcome as Accept, Reject or Challenge.
struct RadiusAccessHandler: Sendable {
    struct Reply: Sendable, Equatable {
        var code: RadiusCode
        var attributes: [RadiusAttribute]
    }

    let environment: ServerEnvironment
    let upstream: UpstreamRadius
    let logger: Logger

    /// How long a challenge's State stays good for the next round.
    static let roundLifetime: TimeInterval = 300

    func answer(_ request: RadiusPacket, from client: RadiusClient) async -> Reply {
        guard let user = request.text(.userName), !user.isEmpty else { return reject("User-Name is missing.") }
        guard let hidden = request.first(.userPassword) else {
            return reject("Only PAP (User-Password) is supported.")
        }
        // Text that is not UTF-8 is what a wrong shared secret makes of a password.
        guard
            let revealed = RadiusSignature.revealPassword(
                hidden, authenticator: request.authenticator, secret: client.secret),
            let password = String(validating: revealed, as: UTF8.self)
        else { return reject("The password could not be read; is the shared secret the same on both sides?") }
        do {
            var round: RadiusRound?
            if let state = request.first(.state) {
                round = try await environment.store.takeRadiusRound(
                    stateHash: Self.hash(state), client: client.name, now: environment.clock.now())
                guard let found = round, found.user.caseInsensitiveCompare(user) == .orderedSame else {
                    return reject("This sign-in has expired; start again.")
                }
            }
            let decision = RadiusDialogue.decide(
                mode: client.settings.mode, delimiter: client.settings.delimiter, password: password, round: round)
            var carried = round.map { Self.attributes(from: $0.carriedAttributes) } ?? []
            if let firstFactor = decision.firstFactorPassword, case .radius(let server) = client.settings.firstFactor {
                switch await upstream.check(user: user, password: firstFactor, server: server, logger: logger) {
                case .accepted(let attributes): carried = attributes
                case .rejected: return reject("The user name or password is wrong.")
                case .unreachable: return reject("The password could not be checked; try again.")
                }
            }
            return try await act(decision.action, user: user, client: client, request: request, carried: carried)
        } catch {
            logger.debug("RADIUS sign-in refused", metadata: ["client": "\(client.name)", "error": "\(error)"])
            return reject(RadiusWording.replyMessage(for: error))
        }
    }

    private func act(
        _ action: RadiusDialogue.Action, user: String, client: RadiusClient, request: RadiusPacket,
        carried: [RadiusAttribute]
    ) async throws -> Reply {
        let signIns = SignIns(environment: environment)
        let wait = client.settings.longestWait
        switch action {
        case .reject(let message):
            return reject(RadiusWording.sentence(message))
        case .askForSecondFactor:
            return try await challenge(
                "Enter the code from your authenticator app, or type push to approve on your phone (sms for a text).",
                round: .factor, transactionId: nil, user: user, client: client, carried: carried)
        case .verifyCode(let code, let method):
            let signIn = try SignInRequest(
                user: user, method: method, context: context(request, client), timeoutSeconds: nil, code: code)
            return decided(try await signIns.start(signIn, client: client.relyingParty), carried: carried)
        case .startPush(let showNumber):
            var signIn = try SignInRequest(
                user: user, method: .push, context: context(request, client),
                timeoutSeconds: showNumber ? nil : Int(wait), code: nil)
            signIn.asksForNumber = showNumber
            let started = try await signIns.start(signIn, client: client.relyingParty)
            guard showNumber, let number = started.number else {
                return decided(
                    try await signIns.outcome(
                        of: started.transactionId, client: client.relyingParty, waitingUpTo: wait), carried: carried)
            }
            return try await challenge(
                "Approve on your phone and enter \(number) there, then press Enter.", round: .push,
                transactionId: started.transactionId, user: user, client: client, carried: carried)
        case .awaitPush(let id):
            let outcome = try await signIns.outcome(of: id, client: client.relyingParty, waitingUpTo: wait)
            guard outcome.state.isFinal else {
                return try await challenge(
                    "Still waiting for your phone: approve there, then press Enter.", round: .push,
                    transactionId: id, user: user, client: client, carried: carried)
            }
            return decided(outcome, carried: carried)
        case .sendSMS:
            let signIn = try SignInRequest(
                user: user, method: .sms, context: context(request, client), timeoutSeconds: nil, code: nil)
            let started = try await signIns.start(signIn, client: client.relyingParty)
            return try await challenge(
                "Enter the code texted to your phone.", round: .sms, transactionId: started.transactionId, user: user,
                client: client, carried: carried)
        case .verifySMS(let id, let code):
            return decided(
                try await signIns.verifySMSCode(transactionId: id, code: code, client: client.relyingParty),
                carried: carried)
        }
    }

    /// What the phone shows: the client's name as the application, and the user's address when the
    /// NAS sends one as Calling-Station-Id (VPNs do; Wi-Fi sends a MAC address, which is left out).
    private func context(_ request: RadiusPacket, _ client: RadiusClient) -> AuthContext {
        let station = request.text(.callingStationId)
        let address = station.flatMap { try? Validation.ipAddress($0, field: "Calling-Station-Id") }
        return AuthContext(application: client.name, clientIP: address)
    }

    private func challenge(
        _ message: String, round step: RadiusRound.Step, transactionId: String?, user: String, client: RadiusClient,
        carried: [RadiusAttribute]
    ) async throws -> Reply {
        // 32 bytes from the system's CSPRNG; only their hash is stored.
        let state = SecureRandom.bytes(32)
        let now = environment.clock.now()
        try await environment.store.saveRadiusRound(
            RadiusRound(
                client: client.name, user: user, step: step, transactionId: transactionId,
                carriedAttributes: try RadiusAttribute.encode(carried),
                expiresAt: now.addingTimeInterval(Self.roundLifetime)),
            stateHash: Self.hash(state), now: now)
        return Reply(
            code: .accessChallenge,
            attributes: [RadiusAttribute(.replyMessage, text: message), RadiusAttribute(.state, state)])
    }

    private func decided(_ transaction: AuthTransaction, carried: [RadiusAttribute]) -> Reply {
        guard transaction.state == .approved else { return reject(RadiusWording.outcome(transaction)) }
        return Reply(code: .accessAccept, attributes: carried + [RadiusAttribute(.replyMessage, text: "Approved.")])
    }

    private func reject(_ message: String) -> Reply {
        Reply(code: .accessReject, attributes: [RadiusAttribute(.replyMessage, text: message)])
    }

    static func hash(_ state: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: state))
    }

    /// What the upstream server's Accept carried, as it was stored between rounds (written by this
    /// handler, so it always reads back).
    static func attributes(from bytes: [UInt8]) -> [RadiusAttribute] {
        (try? RadiusAttribute.list(in: bytes[...])) ?? []
    }
}
