import CountersignCore
import Foundation

/// Providers and their settings, push credentials and telephony gateways (credentials sealed at rest).
public protocol ProviderStore: Sendable {
    func createProvider(_ provider: NewProvider, now: Date) async throws -> Provider
    func providers() async throws -> [Provider]
    func provider(named name: String) async throws -> Provider
    /// Changes a provider's settings (app passwords, SMS number, caller ID) in one transaction.
    func updateProviderSettings(name: String, _ change: @Sendable (inout ProviderSettings) -> Void) async throws
        -> Provider
    /// Replaces a provider's push credentials (sealed at rest).
    func setPushSettings(_ settings: ProviderPushSettings, provider: String) async throws
    func pushSettings(provider: String) async throws -> ProviderPushSettings?
    func setTelephonySettings(_ settings: TelephonySettings?, provider: String) async throws
    func telephonySettings(provider: String) async throws -> TelephonySettings?
}
