import NIOPosix

/// Runs deliberately slow hashing (PBKDF2 for app passwords, about 0.1 s a password) on NIO's
/// blocking-work thread pool instead of Swift's cooperative pool.
///
/// The cooperative pool has one thread per core, two here: a few app-password attempts computed on
/// it would stall every other request of the server (push sign-ins, long-polls, the dispatcher) for
/// as long as they run. On the thread pool they only queue behind each other.
enum SlowHashing {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
