/// The packet types this server reads or writes (RFC 2865 section 3, RFC 5997).
public enum RadiusCode: UInt8, Sendable, CaseIterable {
    case accessRequest = 1
    case accessAccept = 2
    case accessReject = 3
    case accountingRequest = 4
    case accountingResponse = 5
    case accessChallenge = 11
    case statusServer = 12
}
