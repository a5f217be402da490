import CountersignCore
import CountersignStore
import Crypto
import Foundation

/// The re-pair campaign that follows a re-activation.
struct RepairCampaign: Sendable {
    let environment: ServerEnvironment

    /// Issues a fresh activation code to every user still waiting to re-pair, printed or texted,
    /// after revoking the unused codes of the campaign's earlier runs: only the latest message works.
    func startCampaign(send: RepairDelivery, validFor: Int?) async throws -> [RepairProgress] {
        let waiting = try await environment.store.repairStatus().filter { !$0.repaired }
        _ = try await environment.store.revokeCampaignCodes()
        // Texting needs the phones and the current provider's gateways, read once for the campaign.
        var phones: [String: String] = [:]
        var route: Result<(TelephonySettings, ProviderSettings), CampaignProblem>?
        if send == .sms {
            phones = try await environment.store.phoneNumbers(users: waiting.map(\.user))
            route = try await smsRoute()
        }
        var results: [RepairProgress] = []
        for status in waiting {
            let code = try await PairingService(environment: environment)
                .issueCode(for: status.user, validFor: validFor, campaign: true)
            guard let route else {
                results.append(
                    RepairProgress(user: status.user, repaired: false, pairingURL: code.url, expiresAt: code.expiresAt))
                continue
            }
            let problem: String?
            switch route {
            case .failure(let failure): problem = failure.description
            case .success(let (telephony, settings)):
                problem = try await text(code, to: phones[status.user], telephony: telephony, settings: settings)
            }
            results.append(
                RepairProgress(user: status.user, repaired: false, problem: problem, expiresAt: code.expiresAt))
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
                "\(environment.settings.serverName): your authenticator app must be paired again. First remove the old \(environment.settings.serverName) account from the app, then open \(code.url) in it before \(code.expiresAt.formatted(.iso8601)).",
            transactionId: "repair-\(UUID().uuidString.lowercased())")
        do {
            _ = try await environment.telephony.send(message, via: telephony)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
