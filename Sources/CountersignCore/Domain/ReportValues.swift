import Foundation

// What the store reads back for the auth log and the usage report. The HTTP API answers with its
// own forms of them (API/), made in ViewsFromDomain.swift.

/// One row of the authentication log: one verification attempt.
public struct AuthLogRow: Sendable, Equatable {
    public var id: Int64
    public var time: Date
    /// The user's unique identifier (the user name), as the relying party sent it.
    public var user: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    /// For voice and SMS.
    public var phone: String?
    /// The answering app's push token (its device id when it has none).
    public var deviceToken: String?
    /// The authentication mode: push, sms, voice, totp, app_password.
    public var mode: String
    public var result: AuthLogResult
    /// What the attempt ended as: approved, denied, fraud, timeout, refused, failed.
    public var outcome: String
    /// Why it was denied, in words.
    public var reason: String?
    public var serverName: String
    public var serverIP: String?
    public var clientIP: String?
    public var application: String?
    public var transactionId: String?
    /// The client (relying party) that asked.
    public var client: String?
    /// The provider the server was linked to at the time.
    public var provider: String?

    public init(
        id: Int64, time: Date, user: String, firstName: String?, lastName: String?, email: String?, phone: String?,
        deviceToken: String?, mode: String, result: AuthLogResult, outcome: String, reason: String?,
        serverName: String, serverIP: String?, clientIP: String?, application: String?, transactionId: String?,
        client: String? = nil, provider: String? = nil
    ) {
        self.client = client
        self.provider = provider
        self.id = id
        self.time = time
        self.user = user
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.deviceToken = deviceToken
        self.mode = mode
        self.result = result
        self.outcome = outcome
        self.reason = reason
        self.serverName = serverName
        self.serverIP = serverIP
        self.clientIP = clientIP
        self.application = application
        self.transactionId = transactionId
    }
}

/// A page of the auth log, newest first; `nextBefore` asks for the next older page.
public struct AuthLogSlice: Sendable, Equatable {
    public var entries: [AuthLogRow]
    public var nextBefore: Int64?

    public init(entries: [AuthLogRow], nextBefore: Int64?) {
        self.entries = entries
        self.nextBefore = nextBefore
    }
}

public struct UsageMonth: Sendable, Equatable {
    public var month: String
    public var providers: [ProviderMonthUsage]
    public init(month: String, providers: [ProviderMonthUsage]) {
        self.month = month
        self.providers = providers
    }
}

/// One provider's month.
public struct ProviderMonthUsage: Sendable, Equatable {
    public var provider: String
    public var billing: BillingModel
    /// Users configured for MFA (an app, a phone number, a token or an app password) in the month.
    public var usersConfigured: Int
    public var licensedUsers: Int
    /// Two-step verifications by method and result (refusals before any factor was asked are left out).
    public var verifications: [VerificationCount]
    public var phoneSends: [PhoneSendCount]
    /// What the provider bills: users for per-user (licensed ones left out), verifications for per-authentication.
    public var billable: Int

    public init(
        provider: String, billing: BillingModel, usersConfigured: Int, licensedUsers: Int,
        verifications: [VerificationCount],
        phoneSends: [PhoneSendCount], billable: Int
    ) {
        self.provider = provider
        self.billing = billing
        self.usersConfigured = usersConfigured
        self.licensedUsers = licensedUsers
        self.verifications = verifications
        self.phoneSends = phoneSends
        self.billable = billable
    }
}

public struct VerificationCount: Sendable, Equatable {
    public var method: String
    public var result: AuthLogResult
    public var count: Int
    public init(method: String, result: AuthLogResult, count: Int) {
        self.method = method
        self.result = result
        self.count = count
    }
}

public struct PhoneSendCount: Sendable, Equatable {
    public var country: String
    public var method: String
    public var count: Int
    public init(country: String, method: String, count: Int) {
        self.country = country
        self.method = method
        self.count = count
    }
}
