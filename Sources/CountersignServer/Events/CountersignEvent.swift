import CountersignCore

/// Something that has been committed and that parts of the server other than its writer must learn
/// of: caches to forget, connections to drop, waiters to wake.
///
/// Events are plain values, Codable, so that with several nodes they can travel between them as
/// they are (PostgreSQL's LISTEN/NOTIFY); today they stay in the process that published them.
public enum CountersignEvent: Sendable, Equatable, Codable {
    /// The server was activated or re-activated: the current activation (and with it the provider
    /// and its push credentials) changed. `endedSignIns` are the sign-ins the re-activation ended.
    case activationChanged(endedSignIns: [String])
    /// A provider's push credentials were replaced.
    case pushCredentialsChanged(provider: String)
    /// A client was deleted: its API key must stop working with the next request.
    case clientDeleted(name: String)
    /// A push message was queued for the dispatcher.
    case pushQueued
    /// A sign-in was decided by an answer; the transaction is its committed outcome.
    case signInDecided(AuthTransaction)
    /// Sign-ins changed state in a way their waiters must read again (timed out, failed, code checked).
    case signInsChanged(ids: [String])
    /// A paired app was removed by an administrator or a user reset.
    case deviceRemoved(id: String)
    /// A RADIUS client was added, changed or deleted.
    case radiusClientsChanged
}
