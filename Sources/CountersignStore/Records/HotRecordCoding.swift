import Foundation
import GRDB

// Row reading and writing by hand for the records every push sign-in reads or inserts. GRDB's
// Codable path (a Decoder or Encoder per row, a key lookup through it per column) was about 9 % of
// the server's CPU in the sign-in benchmark. Reads throw on a missing or NULL value, as that path
// does. Column names come from each record's CodingKeys, so the two paths cannot disagree on a
// name, and dates are written as `StoredDate` text, as the Codable path writes them.
// RecordCodingTests checks every column both ways.

extension ChallengeRecord {
    init(row: Row) throws {
        id = try row.decode(forColumn: CodingKeys.id.rawValue)
        userId = try row.decode(forColumn: CodingKeys.userId.rawValue)
        activationId = try row.decode(forColumn: CodingKeys.activationId.rawValue)
        method = try row.decode(forColumn: CodingKeys.method.rawValue)
        requestedMethod = try row.decode(forColumn: CodingKeys.requestedMethod.rawValue)
        number = try row.decode(forColumn: CodingKeys.number.rawValue)
        application = try row.decode(forColumn: CodingKeys.application.rawValue)
        clientIp = try row.decode(forColumn: CodingKeys.clientIp.rawValue)
        location = try row.decode(forColumn: CodingKeys.location.rawValue)
        relyingParty = try row.decode(forColumn: CodingKeys.relyingParty.rawValue)
        signedDetails = try row.decode(forColumn: CodingKeys.signedDetails.rawValue)
        signature = try row.decode(forColumn: CodingKeys.signature.rawValue)
        createdAt = try row.decode(forColumn: CodingKeys.createdAt.rawValue)
        deadlineAt = try row.decode(forColumn: CodingKeys.deadlineAt.rawValue)
        state = try row.decode(forColumn: CodingKeys.state.rawValue)
        reason = try row.decode(forColumn: CodingKeys.reason.rawValue)
        answeredAt = try row.decode(forColumn: CodingKeys.answeredAt.rawValue)
        answeredDeviceId = try row.decode(forColumn: CodingKeys.answeredDeviceId.rawValue)
        asksNumber = try row.decode(forColumn: CodingKeys.asksNumber.rawValue)
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.id.rawValue] = id
        container[CodingKeys.userId.rawValue] = userId
        container[CodingKeys.activationId.rawValue] = activationId
        container[CodingKeys.method.rawValue] = method
        container[CodingKeys.requestedMethod.rawValue] = requestedMethod
        container[CodingKeys.number.rawValue] = number
        container[CodingKeys.application.rawValue] = application
        container[CodingKeys.clientIp.rawValue] = clientIp
        container[CodingKeys.location.rawValue] = location
        container[CodingKeys.relyingParty.rawValue] = relyingParty
        container[CodingKeys.signedDetails.rawValue] = signedDetails
        container[CodingKeys.signature.rawValue] = signature
        container[CodingKeys.createdAt.rawValue] = createdAt.stored
        container[CodingKeys.deadlineAt.rawValue] = deadlineAt.stored
        container[CodingKeys.state.rawValue] = state
        container[CodingKeys.reason.rawValue] = reason
        container[CodingKeys.answeredAt.rawValue] = answeredAt?.stored
        container[CodingKeys.answeredDeviceId.rawValue] = answeredDeviceId
        container[CodingKeys.asksNumber.rawValue] = asksNumber
    }
}

extension AuthLogRecord {
    func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.id.rawValue] = id
        container[CodingKeys.time.rawValue] = time.stored
        container[CodingKeys.userName.rawValue] = userName
        container[CodingKeys.firstName.rawValue] = firstName
        container[CodingKeys.lastName.rawValue] = lastName
        container[CodingKeys.email.rawValue] = email
        container[CodingKeys.phone.rawValue] = phone
        container[CodingKeys.deviceToken.rawValue] = deviceToken
        container[CodingKeys.mode.rawValue] = mode
        container[CodingKeys.result.rawValue] = result
        container[CodingKeys.outcome.rawValue] = outcome
        container[CodingKeys.reason.rawValue] = reason
        container[CodingKeys.serverName.rawValue] = serverName
        container[CodingKeys.serverIp.rawValue] = serverIp
        container[CodingKeys.clientIp.rawValue] = clientIp
        container[CodingKeys.application.rawValue] = application
        container[CodingKeys.transactionId.rawValue] = transactionId
        container[CodingKeys.relyingParty.rawValue] = relyingParty
        container[CodingKeys.provider.rawValue] = provider
    }
}

extension DeviceRecord {
    init(row: Row) throws {
        id = try row.decode(forColumn: CodingKeys.id.rawValue)
        userId = try row.decode(forColumn: CodingKeys.userId.rawValue)
        activationId = try row.decode(forColumn: CodingKeys.activationId.rawValue)
        platform = try row.decode(forColumn: CodingKeys.platform.rawValue)
        pushToken = try row.decode(forColumn: CodingKeys.pushToken.rawValue)
        pushTokenInvalidAt = try row.decode(forColumn: CodingKeys.pushTokenInvalidAt.rawValue)
        pushTokenInvalidReason = try row.decode(forColumn: CodingKeys.pushTokenInvalidReason.rawValue)
        environment = try row.decode(forColumn: CodingKeys.environment.rawValue)
        publicKey = try row.decode(forColumn: CodingKeys.publicKey.rawValue)
        oathSecretSealed = try row.decode(forColumn: CodingKeys.oathSecretSealed.rawValue)
        pushKeySealed = try row.decode(forColumn: CodingKeys.pushKeySealed.rawValue)
        displayName = try row.decode(forColumn: CodingKeys.displayName.rawValue)
        status = try row.decode(forColumn: CodingKeys.status.rawValue)
        statusReason = try row.decode(forColumn: CodingKeys.statusReason.rawValue)
        statusChangedAt = try row.decode(forColumn: CodingKeys.statusChangedAt.rawValue)
        createdAt = try row.decode(forColumn: CodingKeys.createdAt.rawValue)
        lastSeenAt = try row.decode(forColumn: CodingKeys.lastSeenAt.rawValue)
        lastRequestMs = try row.decode(forColumn: CodingKeys.lastRequestMs.rawValue)
        oathLastStep = try row.decode(forColumn: CodingKeys.oathLastStep.rawValue)
    }
}

extension UserRecord {
    init(row: Row) throws {
        id = try row.decode(forColumn: CodingKeys.id.rawValue)
        name = try row.decode(forColumn: CodingKeys.name.rawValue)
        firstName = try row.decode(forColumn: CodingKeys.firstName.rawValue)
        lastName = try row.decode(forColumn: CodingKeys.lastName.rawValue)
        email = try row.decode(forColumn: CodingKeys.email.rawValue)
        phone = try row.decode(forColumn: CodingKeys.phone.rawValue)
        country = try row.decode(forColumn: CodingKeys.country.rawValue)
        status = try row.decode(forColumn: CodingKeys.status.rawValue)
        createdAt = try row.decode(forColumn: CodingKeys.createdAt.rawValue)
        pushBlockedUntil = try row.decode(forColumn: CodingKeys.pushBlockedUntil.rawValue)
        failedAttempts = try row.decode(forColumn: CodingKeys.failedAttempts.rawValue)
        lockedUntil = try row.decode(forColumn: CodingKeys.lockedUntil.rawValue)
        lockouts = try row.decode(forColumn: CodingKeys.lockouts.rawValue)
        licensed = try row.decode(forColumn: CodingKeys.licensed.rawValue)
    }
}

extension ActivationRecord {
    init(row: Row) throws {
        id = try row.decode(forColumn: CodingKeys.id.rawValue)
        providerId = try row.decode(forColumn: CodingKeys.providerId.rawValue)
        serverPublicKey = try row.decode(forColumn: CodingKeys.serverPublicKey.rawValue)
        serverPrivateKeySealed = try row.decode(forColumn: CodingKeys.serverPrivateKeySealed.rawValue)
        isCurrent = try row.decode(forColumn: CodingKeys.isCurrent.rawValue)
        createdAt = try row.decode(forColumn: CodingKeys.createdAt.rawValue)
        supersededAt = try row.decode(forColumn: CodingKeys.supersededAt.rawValue)
    }
}
