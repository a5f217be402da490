import Foundation

// Re-activation: re-linking the server to a provider (a new one, or the same one by force).

/// `POST /v1/activations/reactivate`.
public struct ReactivateRequest: Codable, Sendable {
    public var provider: String
    /// Re-activate even when `provider` is the current one (a new server key all the same).
    public var force: Bool?

    public init(provider: String, force: Bool? = nil) {
        self.provider = provider
        self.force = force
    }
}

public struct ReactivationResult: Codable, Sendable, Equatable {
    public var activation: ActivationView
    public var previousActivationId: String
    public var previousProvider: String
    /// Users with at least one mobile-app pairing that stopped working: they must pair again.
    public var usersToRepair: Int
    public var devicesInvalidated: Int
    /// Push sign-ins that were waiting for an answer from an invalidated app; they end as failed.
    public var signInsEnded: Int
    /// The new provider belongs to another tenant: settings start from the new provider's.
    public var tenantChanged: Bool
    /// Within one tenant: what the new provider took over from the old one (it had none of its own).
    public var carriedOver: [String]

    public init(
        activation: ActivationView, previousActivationId: String, previousProvider: String, usersToRepair: Int,
        devicesInvalidated: Int, signInsEnded: Int, tenantChanged: Bool, carriedOver: [String] = []
    ) {
        self.carriedOver = carriedOver
        self.activation = activation
        self.previousActivationId = previousActivationId
        self.previousProvider = previousProvider
        self.usersToRepair = usersToRepair
        self.devicesInvalidated = devicesInvalidated
        self.signInsEnded = signInsEnded
        self.tenantChanged = tenantChanged
    }
}

/// How a re-pair campaign hands out the fresh activation codes.
public enum RepairDelivery: String, Codable, Sendable, CaseIterable {
    /// Returned to the admin, who passes them on.
    case print
    /// Texted to each user's phone through the provider's telephony gateway.
    case sms
}

public struct StartRepairCampaignRequest: Codable, Sendable {
    public var send: RepairDelivery
    /// How long the campaign's codes work; the server's pairing-code lifetime when absent.
    public var validForSeconds: Int?
    public init(send: RepairDelivery, validForSeconds: Int? = nil) {
        self.send = send
        self.validForSeconds = validForSeconds
    }
}

/// One user whose app pairing a re-activation ended.
public struct RepairStatus: Codable, Sendable, Equatable {
    public var user: String
    /// Paired again under the current activation.
    public var repaired: Bool
    /// The campaign's pairing URL (print mode only, in the answer to starting it).
    public var pairingURL: String?
    /// Why no code could be delivered (SMS mode: no phone number, gateway down).
    public var problem: String?
    /// Until when the code issued by the campaign works (in the answer to starting it).
    public var expiresAt: Date?

    public init(
        user: String, repaired: Bool, pairingURL: String? = nil, problem: String? = nil, expiresAt: Date? = nil
    ) {
        self.user = user
        self.repaired = repaired
        self.pairingURL = pairingURL
        self.problem = problem
        self.expiresAt = expiresAt
    }
}
