import Foundation

/// The fields of a Google service-account key file that FCM's OAuth2 flow needs.
public struct FCMServiceAccount: Codable, Sendable, Equatable {
    public var projectId: String
    public var privateKeyId: String
    /// PEM of the RSA private key that signs the token request.
    public var privateKey: String
    public var clientEmail: String
    /// Where access tokens are obtained; the emulator's address in development.
    public var tokenURI: String

    enum CodingKeys: String, CodingKey {
        case projectId = "project_id"
        case privateKeyId = "private_key_id"
        case privateKey = "private_key"
        case clientEmail = "client_email"
        case tokenURI = "token_uri"
    }

    public init(projectId: String, privateKeyId: String, privateKey: String, clientEmail: String, tokenURI: String) {
        self.projectId = projectId
        self.privateKeyId = privateKeyId
        self.privateKey = privateKey
        self.clientEmail = clientEmail
        self.tokenURI = tokenURI
    }
}
