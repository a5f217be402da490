import CountersignCore

/// What a use case refuses beyond the store's `StoreError` and the sign-in rules' `AuthRefusal`,
/// in domain terms. Invalid input is `Validation.Failure`. Each front end words these for its own
/// wire: the HTTP API in `APIError`, RADIUS as a Reply-Message.
public enum UseCaseError: Error, Equatable, Sendable {
    /// A phone's request is not signed by the key it paired with, or its clock is too far off.
    case unauthenticated(String)
    /// No telephony gateway took the text or call.
    case deliveryFailed(String)
    /// A phone answered after the sign-in's deadline.
    case answerTooLate
    /// A phone answered a sign-in that was already decided.
    case alreadyAnswered(AuthState)
    /// The device cannot take a push now.
    case cannotPush(deviceId: String, status: DeviceStatus, platform: DevicePlatform)
    /// The provider has no push credentials to show.
    case noPushCredentials(provider: String)
}
