import Foundation

/// One telephony gateway: where SMS and voice requests are posted, and how.
///
/// The body is `bodyTemplate` with these placeholders replaced by JSON-escaped values: `{{kind}}`
/// (sms or voice), `{{to}}`, `{{from}}`, `{{text}}`, `{{callback}}` (where a call's answer is posted)
/// and `{{id}}` (the transaction).
public struct TelephonyGatewaySettings: Codable, Sendable, Equatable {
    public var url: String
    /// A header line such as `Authorization: Bearer …`; sealed at rest, never shown.
    public var authHeader: String?
    public var bodyTemplate: String?
    /// PEM roots to trust instead of the system's (for an emulator or a private gateway).
    public var trustRootsPEM: String?

    public static let defaultBodyTemplate =
        #"{"kind":"{{kind}}","to":"{{to}}","from":"{{from}}","text":"{{text}}","callback":"{{callback}}","id":"{{id}}"}"#

    public init(url: String, authHeader: String? = nil, bodyTemplate: String? = nil, trustRootsPEM: String? = nil) {
        self.url = url
        self.authHeader = authHeader
        self.bodyTemplate = bodyTemplate
        self.trustRootsPEM = trustRootsPEM
    }
}

/// A provider's telephony gateways, tried in order until one accepts.
public struct TelephonySettings: Codable, Sendable, Equatable {
    public var gateways: [TelephonyGatewaySettings]
    public init(gateways: [TelephonyGatewaySettings]) { self.gateways = gateways }
}

/// What `GET /v1/providers/{name}/telephony` shows: the gateways without their credentials.
public struct TelephonySettingsView: Codable, Sendable, Equatable {
    public struct Gateway: Codable, Sendable, Equatable {
        public var url: String
        public var hasAuthHeader: Bool
        public var customTemplate: Bool
        public var customTrustRoots: Bool
    }
    public var gateways: [Gateway]

    public init(_ settings: TelephonySettings) {
        gateways = settings.gateways.map {
            Gateway(
                url: $0.url, hasAuthHeader: $0.authHeader != nil, customTemplate: $0.bodyTemplate != nil,
                customTrustRoots: $0.trustRootsPEM != nil)
        }
    }
}

/// What a telephony gateway posts to a call's callback URL (which carries the call's secret token)
/// when the called user presses keys or hangs up.
public struct VoiceCallAnswer: Codable, Sendable {
    /// The keys pressed: "#" approves, "0#" reports fraud; anything else, or nothing, denies.
    public var digits: String

    public init(digits: String) {
        self.digits = digits
    }
}
