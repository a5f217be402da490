/// What the store refuses, worded for the person who asked, without naming any front end's commands
/// (the HTTP API adds those in `OperatorHints`).
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case providerExists(String)
    case providerNotFound(String)
    case billingIsFixed(provider: String, current: String)
    case alreadyActivated(provider: String)
    case notActivated
    case userExists(String)
    case userNotFound(String)
    case userDisabled(String)
    case deviceNotFound(String)
    case unknownActivationCode
    case activationCodeUsed
    case activationCodeExpired
    case activationCodeForOldActivation
    /// The device was invalidated or removed, or paired under an activation that is no longer current.
    case deviceNotActivated
    case replayedRequest
    case clientExists(String)
    case clientNotFound(String)
    case challengeNotFound(String)
    /// The sign-in was decided or ended before this could end it.
    case signInEnded(id: String, state: AuthState)
    /// The server was re-activated between signing a challenge and storing it.
    case activationChanged
    case sameProvider(String)
    case tokenExists(String)
    case tokenNotFound(String)
    /// An import in parts: the serial was already sent in an earlier part of the same import.
    case tokenStagedTwice(String)
    /// An import in parts that does not exist: never begun, committed, abandoned, or expired.
    case tokenImportNotFound(String)
    case tokenAssigned(serial: String, user: String)
    case appPasswordNotFound(user: String, id: String)
    case adminTokenExists(String)
    case adminTokenNotFound(String)
    /// Revoking it would leave no admin token that works.
    case lastAdminToken(String)
    case radiusClientExists(String)
    case radiusClientNotFound(String)
    /// The database could not be reached, or the connection to it broke; nothing was changed.
    case databaseUnavailable(String)
    /// The master key cannot open what the database holds: another node's key, or a wrong copy.
    case masterKeyMismatch

    public var description: String {
        switch self {
        case .providerExists(let name): "a provider named '\(name)' already exists"
        case .providerNotFound(let name): "no provider is named '\(name)'"
        case .billingIsFixed(let provider, let current):
            "the billing model of provider '\(provider)' is \(current) and cannot be changed once created; create another provider for another model"
        case .alreadyActivated(let provider):
            "this server is already activated with provider '\(provider)'; re-link it with a re-activation instead"
        case .notActivated: "this server is not activated yet"
        case .userExists(let name): "a user named '\(name)' already exists"
        case .userNotFound(let name): "no user is named '\(name)'"
        case .userDisabled(let name): "user '\(name)' is disabled"
        case .deviceNotFound(let id): "no device has id '\(id)'"
        case .unknownActivationCode: "the activation code is not known; ask your administrator for a new one"
        case .activationCodeUsed: "the activation code has already been used; ask your administrator for a new one"
        case .activationCodeExpired: "the activation code has expired; ask your administrator for a new one"
        case .activationCodeForOldActivation:
            "the activation code was issued before the server was re-activated; ask your administrator for a new one"
        case .deviceNotActivated: "Authentication request is not for an activated account"
        case .replayedRequest: "the request's timestamp is not newer than the last one accepted from this device"
        case .clientExists(let name): "a client named '\(name)' already exists"
        case .clientNotFound(let name): "no client is named '\(name)'"
        case .challengeNotFound(let id): "no authentication request has id '\(id)'"
        case .signInEnded(let id, let state): "sign-in '\(id)' has already ended (\(state.rawValue))"
        case .activationChanged: "the server was re-activated while the request was being made; send it again"
        case .sameProvider(let name):
            "this server is already linked to provider '\(name)'; add --force to re-activate it anyway (every app must pair again)"
        case .tokenExists(let serial): "a token with serial '\(serial)' is already stored"
        case .tokenNotFound(let serial): "no token has serial '\(serial)'"
        case .tokenStagedTwice(let serial): "serial '\(serial)' appears twice in the import"
        case .tokenImportNotFound(let id):
            "no token import '\(id)' is open (it was committed, abandoned, or not finished within \(TokenImportLimits.openImportMinutes) minutes)"
        case .appPasswordNotFound(let user, let id): "user '\(user)' has no app password with id '\(id)'"
        case .adminTokenExists(let name): "an admin token named '\(name)' already exists"
        case .adminTokenNotFound(let name): "no working admin token is named '\(name)'"
        case .lastAdminToken(let name):
            "'\(name)' is the last admin token that works; make another before revoking it"
        case .radiusClientExists(let name): "a RADIUS client named '\(name)' already exists"
        case .radiusClientNotFound(let name): "no RADIUS client is named '\(name)'"
        case .databaseUnavailable(let why): "the database is unavailable (\(why)); try again shortly"
        case .masterKeyMismatch:
            "the master key cannot open the secrets this database holds; every node sharing a database needs the same master key (COUNTERSIGN_MASTER_KEY or master.key)"
        case .tokenAssigned(let serial, let user):
            "token '\(serial)' is assigned to user '\(user)'; unassign it first"
        }
    }
}
