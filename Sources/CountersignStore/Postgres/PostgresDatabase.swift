import CountersignCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// A pool of connections to the server's PostgreSQL database, and the one way the store runs its
/// transactions on it.
///
/// Two kinds of write. Administration (`write`) runs SERIALIZABLE: whatever several nodes do at
/// once ends as some order of them one after another would, which is what the SQLite store's one
/// writer gives for free. The sign-in paths (`locked`) run READ COMMITTED and take a row lock on
/// whatever two nodes could both decide on (the user whose pushes are counted, the challenge being
/// answered, the device whose request timestamp moves on, the current activation, shared): under
/// load SERIALIZABLE's predicate checks failed unrelated sign-ins of different users against each
/// other, and the row locks guard the same invariants without that. A transaction that loses a
/// race (SQLSTATE 40001, or a deadlock, 40P01) is run again from the start, so callers never see
/// it; the work closures therefore only read and write the database, and any effect beyond it
/// waits for the commit.
public final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger
    private let running: Task<Void, Never>
    /// Bounds every wait for a pooled connection.
    let leaseWatch = LeaseWatch()
    /// How long a caller waits for a connection before hearing that the database is unavailable.
    let connectionWait: Duration

    static let retryableStates: Set<String> = ["40001", "40P01"]
    /// Under SERIALIZABLE, eight pairings at once (the benchmark's seeding) once lost one of them
    /// twenty times in a row: PostgreSQL's predicate locks cover index pages, and small tables put
    /// every user's rows on the same few.
    static let maxAttempts = 50

    init(location: PostgresLocation, logger: Logger, connectionWait: Duration = .seconds(5)) {
        var configuration =
            if let socket = location.socketPath {
                PostgresClient.Configuration(
                    unixSocketPath: socket, username: location.user, password: location.password,
                    database: location.database)
            } else {
                PostgresClient.Configuration(
                    host: location.host, port: location.port, username: location.user, password: location.password,
                    database: location.database, tls: Self.tls(location))
            }
        // A connection's start includes SCRAM's key stretching on both sides: under a load of many
        // starting at once (a test suite), it can take longer than a server's usual five seconds.
        configuration.options.connectTimeout = connectionWait
        configuration.options.maximumConnections = 16
        if let searchPath = location.searchPath {
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        configuration.options.additionalStartupParameters.append(("application_name", "countersign"))
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.location = location
        self.logger = logger
        self.connectionWait = connectionWait
        let client = self.client
        self.running = Task { await client.run() }
    }

    deinit {
        running.cancel()
        leaseWatch.stop()
    }

    /// Connects, checks that the server answers, and brings the schema up to date.
    public static func open(
        location: PostgresLocation, logger: Logger = Logger(label: "countersign.postgres"),
        connectionWait: Duration = .seconds(5)
    ) async throws -> PostgresDatabase {
        try await probe(location, logger: logger, timeout: connectionWait)
        let database = PostgresDatabase(location: location, logger: logger, connectionWait: connectionWait)
        try await database.migrate()
        return database
    }

    /// One connection made by hand before the pool starts, so that a start that cannot connect says
    /// why (refused, a certificate that does not verify, a wrong password) rather than only that no
    /// connection came: the pool retries quietly.
    static func probe(_ location: PostgresLocation, logger: Logger, timeout: Duration = .seconds(5)) async throws {
        try await executeAlone(nil, at: location, logger: logger, timeout: timeout)
    }

    /// Runs `sql` (nothing, for a probe) on a connection of its own, outside any pool, and closes it.
    static func executeAlone(_ sql: String?, at location: PostgresLocation, logger: Logger, timeout: Duration)
        async throws
    {
        if let roots = location.rootCertificates, !FileManager.default.isReadableFile(atPath: roots) {
            throw StoreError.databaseUnavailable("sslrootcert \(roots) cannot be read")
        }
        do {
            let configuration = try PostgresEventChannel.configuration(
                for: location, applicationName: "countersign", connectTimeout: timeout)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            do {
                if let sql { _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch let error as PSQLError {
            if let message = error.serverInfo?[.message] {
                throw StoreError.databaseUnavailable("\(location): \(message)")
            }
            throw StoreError.databaseUnavailable("\(location): \(describe(error))")
        } catch {
            throw StoreError.databaseUnavailable("\(location): \(error)")
        }
    }

    static func tls(_ location: PostgresLocation) -> PostgresClient.Configuration.TLS {
        switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration(location))
        case .require: .require(tlsConfiguration(location))
        }
    }

    /// Full verification of the server's certificate and host name, against `sslrootcert` when given.
    static func tlsConfiguration(_ location: PostgresLocation) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let roots = location.rootCertificates { configuration.trustRoots = .file(roots) }
        return configuration
    }

    func migrate() async throws {
        try await write { session in
            // Per schema: installations in other schemas of the same database migrate side by side.
            try await session.execute(
                "SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", [PostgresMigrations.lockKey])
            try await session.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
            let applied = Set(
                try await session.rows("SELECT name FROM schema_migration").map { try $0[0].decode(String.self) })
            for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                for statement in Self.statements(migration.sql) { try await session.execute(statement) }
                try await session.execute(
                    "INSERT INTO schema_migration (name, applied_at) VALUES (?, now())", [migration.name])
            }
        }
    }

    /// A migration's statements: each ends with a `;` at the end of a line.
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
            .filter { !$0.isEmpty && !$0.split(separator: "\n").allSatisfy { $0.hasPrefix("--") } }
    }

    // MARK: Transactions

    /// One SERIALIZABLE transaction, run again when it loses a race with another one.
    func write<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", work)
    }

    /// READ COMMITTED, for the sign-in paths, whose invariants rest on the row locks they take as
    /// they read, and for the queues: `FOR UPDATE SKIP LOCKED` hands each due message or overdue
    /// row to one node without any node waiting for another.
    func locked<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL READ COMMITTED", work)
    }

    /// A read-only snapshot: every statement in it sees the same committed state.
    func read<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", work)
    }

    /// No transaction: each statement commits by itself. For a read that is one statement (it sees
    /// one snapshot anyway) and for writes that are one statement, or that `later` makes one.
    func autocommit<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction(nil, work)
    }

    private func transaction<T: Sendable>(
        _ begin: String?, _ work: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection(begin: begin) { session in
                    do {
                        let value = try await work(session)
                        if session.pending.began {
                            try await session.execute("COMMIT")
                        } else {
                            try await session.flushWrites()
                        }
                        return value
                    } catch {
                        try? await session.rollback()
                        throw error
                    }
                }
            } catch let error as PSQLError
                where attempt < Self.maxAttempts
                && error.serverInfo?[.sqlState].map(Self.retryableStates.contains) == true
            {
                attempt += 1
                // A short random pause, so that the same two transactions do not collide again;
                // longer each time, up to 50 ms.
                try await Task.sleep(for: .microseconds(min(Int.random(in: 100...2000) * attempt, 50_000)))
            } catch let error as PSQLError where error.serverInfo != nil {
                throw PostgresRefusal(error)
            }
        }
    }

    /// A connection for `work`, or `StoreError.databaseUnavailable` when none comes in time or the
    /// connection breaks: the caller answers 503 and the pool reconnects by itself. Only the wait
    /// for a connection is bounded; once leased, the work runs to its end (a long migration too).
    func withConnection<T: Sendable>(
        begin: String? = nil, _ work: @escaping @Sendable (PostgresSession) async throws -> T
    ) async throws -> T {
        let client = self.client
        let logger = self.logger
        let wait = connectionWait
        let location = self.location
        let lease = LeaseRace()
        let watch = leaseWatch
        do {
            // Unstructured on purpose: a task waiting for a lease from a pool that cannot connect
            // may not end when cancelled, and a task group would wait for it. The caller hears at
            // `wait`; the straggler, if it ever gets a connection, finds the race lost and lets go.
            let answer = Answer<T>()
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                    guard answer.set(continuation) else { return }
                    let waiting = watch.add(after: wait) {
                        guard lease.gaveUp() else { return }
                        answer.resume(
                            with: .failure(
                                StoreError.databaseUnavailable("no connection to \(location) within \(wait)")))
                        answer.cancelWorker()
                    }
                    // Immediate: the worker leases and sends its first statement on this thread,
                    // rather than waiting for a thread of its own to wake up (a wake-up per
                    // transaction was a good part of what the node spent on one).
                    answer.setWorker(
                        Task.immediate {
                            do {
                                let value = try await client.withConnection { connection in
                                    guard lease.leased() else { throw CancellationError() }
                                    watch.done(waiting)
                                    return try await work(
                                        PostgresSession(connection: connection, logger: logger, begin: begin))
                                }
                                answer.resume(with: .success(value))
                            } catch {
                                watch.done(waiting)
                                answer.resume(with: .failure(error))
                            }
                        })
                }
            } onCancel: {
                // A cancelled caller (a shutdown) stops waiting at once: a worker stuck on a
                // connection that broke must not hold it. The worker is cancelled and lets go.
                answer.resume(with: .failure(CancellationError()))
                answer.cancelWorker()
            }
        } catch let error as PSQLError where error.serverInfo == nil {
            // No server answer at all: the connection could not be made or was lost.
            throw StoreError.databaseUnavailable("\(location): \(Self.describe(error))")
        }
    }

    static func describe(_ error: PSQLError) -> String {
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

/// A statement PostgreSQL refused, in words: its message and SQLSTATE (postgres-nio's own
/// description of the error is deliberately generic).
public struct PostgresRefusal: Error, CustomStringConvertible {
    public let sqlState: String
    public let message: String

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState] ?? "?????"
        message = error.serverInfo?[.message] ?? "\(error.code)"
    }

    init(sqlState: String, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String { "PostgreSQL refused a statement: \(message) (SQLSTATE \(sqlState))" }
}

/// Decides, once, whether a connection came before the wait ran out: either the work starts on
/// it, or the caller is told the database is unavailable, never both (no transaction is begun and
/// then abandoned).
final class LeaseRace: Sendable {
    private let state = Mutex<(leased: Bool, gaveUp: Bool)>((false, false))

    /// True when the work may start: the wait has not run out.
    func leased() -> Bool {
        state.withLock {
            guard !$0.gaveUp else { return false }
            $0.leased = true
            return true
        }
    }

    /// True when the wait ran out with no connection.
    func gaveUp() -> Bool {
        state.withLock {
            guard !$0.leased else { return false }
            $0.gaveUp = true
            return true
        }
    }
}

/// Hands a result to the waiting caller once, whichever of the worker and the lease watch comes
/// first.
final class Answer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var worker: Task<Void, Never>?
        var done = false
        var workerCancelled = false
    }

    private let state = Mutex(State())

    /// A caller cancelled before its continuation was set hears so at once; false then, and no
    /// work should start.
    @discardableResult
    func set(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let answered = state.withLock { state -> Bool in
            guard !state.done else { return true }
            state.continuation = continuation
            return false
        }
        if answered { continuation.resume(throwing: CancellationError()) }
        return !answered
    }

    /// A worker whose cancellation was asked for before it was set is cancelled at once.
    func setWorker(_ worker: Task<Void, Never>) {
        let cancel = state.withLock { state -> Bool in
            state.worker = worker
            return state.workerCancelled
        }
        if cancel { worker.cancel() }
    }

    func cancelWorker() {
        state.withLock { state in
            state.workerCancelled = true
            return state.worker
        }?.cancel()
    }

    func resume(with result: Result<T, any Error>) {
        let continuation = state.withLock { state in
            defer {
                state.continuation = nil
                state.done = true
            }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
