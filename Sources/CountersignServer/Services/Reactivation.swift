import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// Re-activation and the re-pair campaign that follows it.
struct Reactivation: Sendable {
    let environment: ServerEnvironment

    func reactivate(_ request: ReactivateRequest) async throws -> ReactivationResult {
        let (result, ended) = try await environment.store.reactivate(
            providerName: request.provider, force: request.force ?? false, serverKey: P256.Signing.PrivateKey(),
            origin: environment.settings.logOrigin, now: environment.clock.now())
        // The new provider has its own push credentials; waiting relying parties learn their sign-in failed.
        await environment.push.invalidate()
        await environment.wakeUps.signal(ended + [SupersededDeviceSweeper.wakeUpKey])
        return result
    }

    /// Issues a fresh activation code to every user still waiting to re-pair, printed or texted.
    func startCampaign(send: RepairDelivery) async throws -> [RepairStatus] {
        let waiting = try await environment.store.repairStatus().filter { !$0.repaired }
        let phones = send == .sms ? try await environment.store.phoneNumbers(users: waiting.map(\.user)) : [:]
        var results: [RepairStatus] = []
        for status in waiting {
            let code = try await PairingService(environment: environment).issueCode(for: status.user, validFor: nil)
            switch send {
            case .print:
                results.append(RepairStatus(user: status.user, repaired: false, pairingURL: code.url))
            case .sms:
                results.append(
                    RepairStatus(
                        user: status.user, repaired: false, problem: try await text(code, to: phones[status.user])))
            }
        }
        return results
    }

    /// Texts the pairing link; returns why it could not, if it could not.
    private func text(_ code: PairingCodeView, to phone: String?) async throws -> String? {
        guard let phone else { return "no phone number" }
        guard let provider = try await environment.store.currentActivation()?.provider,
            let telephony = try await environment.store.telephonySettings(provider: provider),
            !telephony.gateways.isEmpty
        else { return "the provider has no telephony gateway" }
        let settings = try await environment.store.provider(named: provider).settings
        let country = SMSSender.country(of: phone, fallback: nil)
        guard
            let sender = SMSSender.sender(
                for: phone, country: country, longNumber: settings.smsLongNumber,
                rotation: await environment.telephony.nextSenderRotation())
        else { return "no SMS sender for \(country)" }
        let message = TelephonyMessage(
            kind: .sms, to: phone, from: sender,
            text:
                "\(environment.settings.serverName): your authenticator app must be paired again. Open \(code.url) in the app before \(code.expiresAt.formatted(.iso8601)).",
            transactionId: "repair-\(UUID().uuidString.lowercased())")
        do {
            _ = try await environment.telephony.send(message, via: telephony)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
