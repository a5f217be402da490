import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// The re-pair campaign that follows a re-activation.
struct RepairCampaign: Sendable {
    let environment: ServerEnvironment

    /// Issues a fresh activation code to every user still waiting to re-pair, printed or texted.
    func startCampaign(send: RepairDelivery) async throws -> [RepairStatus] {
        let waiting = try await environment.store.repairStatus().filter { !$0.repaired }
        // Texting needs the phones and the current provider's gateways, read once for the campaign.
        var phones: [String: String] = [:]
        var route: Result<(TelephonySettings, ProviderSettings), CampaignProblem>?
        if send == .sms {
            phones = try await environment.store.phoneNumbers(users: waiting.map(\.user))
            route = try await smsRoute()
        }
        var results: [RepairStatus] = []
        for status in waiting {
            let code = try await PairingService(environment: environment).issueCode(for: status.user, validFor: nil)
            guard let route else {
                results.append(RepairStatus(user: status.user, repaired: false, pairingURL: code.url))
                continue
            }
            let problem: String?
            switch route {
            case .failure(let failure): problem = failure.description
            case .success(let (telephony, settings)):
                problem = try await text(code, to: phones[status.user], telephony: telephony, settings: settings)
            }
            results.append(RepairStatus(user: status.user, repaired: false, problem: problem))
        }
        return results
    }

    struct CampaignProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The current provider's gateways and settings, or why texts cannot go.
    private func smsRoute() async throws -> Result<(TelephonySettings, ProviderSettings), CampaignProblem> {
        guard let provider = try await environment.store.currentActivation()?.provider,
            let telephony = try await environment.store.telephonySettings(provider: provider),
            !telephony.gateways.isEmpty
        else { return .failure(CampaignProblem(description: "the provider has no telephony gateway")) }
        return .success((telephony, try await environment.store.provider(named: provider).settings))
    }

    /// Texts the pairing link; returns why it could not, if it could not.
    private func text(
        _ code: PairingCodeView, to phone: String?, telephony: TelephonySettings, settings: ProviderSettings
    ) async throws -> String? {
        guard let phone else { return "no phone number" }
        let country = SMSSender.country(of: phone, fallback: nil)
        guard
            let sender = SMSSender.sender(
                country: country, longNumber: settings.smsLongNumber,
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
