import Foundation

/// A provider's push credentials as the admin sends them. Private keys travel once, over the admin
/// API, and are sealed at rest; they are never sent back.
public struct ProviderPushSettings: Codable, Sendable, Equatable {
    public struct APNs: Codable, Sendable, Equatable {
        /// https://api.push.apple.com, https://api.sandbox.push.apple.com, or the emulator.
        public var baseURL: String
        public var keyId: String
        public var teamId: String
        public var topic: String
        /// The .p8 key's PEM.
        public var privateKeyPEM: String
        /// PEM roots to trust instead of the system's (the emulator's CA).
        public var trustRootsPEM: String?

        public init(
            baseURL: String, keyId: String, teamId: String, topic: String, privateKeyPEM: String, trustRootsPEM: String?
        ) {
            self.baseURL = baseURL
            self.keyId = keyId
            self.teamId = teamId
            self.topic = topic
            self.privateKeyPEM = privateKeyPEM
            self.trustRootsPEM = trustRootsPEM
        }
    }

    public struct FCM: Codable, Sendable, Equatable {
        /// https://fcm.googleapis.com, or the emulator.
        public var baseURL: String
        /// The service-account key file's JSON.
        public var serviceAccountJSON: String
        public var trustRootsPEM: String?

        public init(baseURL: String, serviceAccountJSON: String, trustRootsPEM: String?) {
            self.baseURL = baseURL
            self.serviceAccountJSON = serviceAccountJSON
            self.trustRootsPEM = trustRootsPEM
        }
    }

    public var apns: APNs?
    public var fcm: FCM?

    public init(apns: APNs?, fcm: FCM?) {
        self.apns = apns
        self.fcm = fcm
    }
}

/// What the admin API shows of push credentials: everything but the secrets.
public struct ProviderPushSettingsView: Codable, Sendable, Equatable {
    public struct APNs: Codable, Sendable, Equatable {
        public var baseURL: String
        public var keyId: String
        public var teamId: String
        public var topic: String
    }
    public struct FCM: Codable, Sendable, Equatable {
        public var baseURL: String
        public var projectId: String
    }
    public var provider: String
    public var apns: APNs?
    public var fcm: FCM?

    public init(provider: String, settings: ProviderPushSettings, fcmProjectId: String?) {
        self.provider = provider
        apns = settings.apns.map { APNs(baseURL: $0.baseURL, keyId: $0.keyId, teamId: $0.teamId, topic: $0.topic) }
        fcm = settings.fcm.map { FCM(baseURL: $0.baseURL, projectId: fcmProjectId ?? "?") }
    }
}

/// `POST /v1/devices/{id}/test-push` body: how long the test notification may wait to be sent.
public struct TestPushRequest: Codable, Sendable {
    public var ttlSeconds: Int?
    public init(ttlSeconds: Int?) { self.ttlSeconds = ttlSeconds }
}

/// `POST /v1/devices/{id}/test-push`: the admin's "send a test notification".
public struct TestPushView: Codable, Sendable, Equatable {
    public var id: String
    public var device: String
    public var deadline: Date
    public init(id: String, device: String, deadline: Date) {
        self.id = id
        self.device = device
        self.deadline = deadline
    }
}

/// `GET /v1/push/outbox`: messages by state.
public struct PushOutboxView: Codable, Sendable, Equatable {
    public var queued: Int
    public var sending: Int
    public var sent: Int
    public var failed: Int
    public var expired: Int
    public var cancelled: Int
    public init(queued: Int, sending: Int, sent: Int, failed: Int, expired: Int, cancelled: Int) {
        self.queued = queued
        self.sending = sending
        self.sent = sent
        self.failed = failed
        self.expired = expired
        self.cancelled = cancelled
    }
}
