import DRSDomain
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// The shared store: one PostgreSQL database that any number of `drs` processes use at once.
///
/// Writes (imports, projects, credentials, users, the token secret) take one transaction-scoped advisory lock, so
/// they run one at a time across every process, as SQLite's write lock does; reads run beside them on snapshots.
public final class PostgresJobStore: SQLBackedStore {
    let client: PostgresClient
    let logger: Logger
    let reads = JobReadSQL(filters: JobFilterSQL(nameSearch: PostgresJobStore.nameSearch), rows: JobReadSQL.sqlKitRows)
    /// How long a request waits for a pooled connection before the database counts as unavailable.
    let acquireTimeout: Duration
    private let runTask: Task<Void, Never>
    /// Set when a request found no connection within ``acquireTimeout``; cleared by the next connection lent.
    private let databaseDown = Mutex(false)
    /// How long a request waits for a connection while the database is down.
    static let downTimeout = Duration.milliseconds(250)

    /// The advisory lock that every write transaction holds (an arbitrary constant: "drs" in ASCII).
    static let writeLock = 0x647273

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`), then applies the migrations.
    public static func open(
        url: String,
        maxConnections: Int = 16,
        acquireTimeout: Duration = .seconds(3),
        logger: Logger = Logger(label: "drs.store")
    ) async throws -> PostgresJobStore {
        guard let configuration = try? SQLPostgresConfiguration(url: url) else {
            throw StoreError.unavailable("not a PostgreSQL URL (postgres://user:password@host:port/database)")
        }
        var options = PostgresClient.Configuration.Options()
        options.maximumConnections = maxConnections
        options.minimumConnections = 0
        options.connectionIdleTimeout = .seconds(60)
        let core = configuration.coreConfiguration
        let clientConfiguration: PostgresClient.Configuration
        if let socket = core.unixSocketPath {
            clientConfiguration = .init(
                unixSocketPath: socket,
                username: core.username,
                password: core.password,
                database: core.database
            )
        } else {
            clientConfiguration = .init(
                host: core.host ?? "localhost",
                port: core.port ?? 5432,
                username: core.username,
                password: core.password,
                database: core.database,
                tls: core.tls.isEnforced ? .require(.makeClientConfiguration()) : .disable
            )
        }
        var withOptions = clientConfiguration
        withOptions.options = options
        let store = PostgresJobStore(
            client: PostgresClient(configuration: withOptions, backgroundLogger: logger),
            logger: logger,
            acquireTimeout: acquireTimeout
        )
        do {
            try await store.applyMigrations(PostgresSchema.migrations, logger: logger)
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    private init(client: PostgresClient, logger: Logger, acquireTimeout: Duration) {
        self.client = client
        self.logger = logger
        self.acquireTimeout = acquireTimeout
        self.runTask = Task { await client.run() }
    }

    /// Closes the pool. Waits at most 5 seconds: requests still waiting for a database that is down give up.
    public func shutdown() async {
        runTask.cancel()
        let finished = Mutex(false)
        let runTask = self.runTask
        Task {
            await runTask.value
            finished.withLock { $0 = true }
        }
        for _ in 0..<50 where !finished.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The shared import, then fresh planner statistics for the tables it wrote: right after a large import,
    /// PostgreSQL's statistics still describe the old tables (autovacuum analyzes later), and the list query of a
    /// 100,000-task project was planned as a sort of every match (40 requests/s instead of over 1,000).
    public func importJobs(_ records: [JobRecord], project: String) async throws {
        try await withTransaction(write: true) { db in try await JobImportSQL.importJobs(records, project: project, db) }
        try await withConnection { db in
            try await db.raw("ANALYZE jobs, job_tags, job_instances, job_counts, job_counts_coarse").run()
        }
    }

    // MARK: Connections and transactions

    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await lease()
        defer { connection.release() }
        do {
            // No SQL logging: bound values include secrets (the token secret, secret keys).
            return try await body(connection.connection.sql(queryLogLevel: nil))
        } catch {
            throw Self.map(error)
        }
    }

    func withTransaction<T>(write: Bool, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let begin: [SQLQueryString] =
            write
            ? ["BEGIN", "SELECT pg_advisory_xact_lock(\(bind: Self.writeLock))"] : ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"]
        return try await withConnection { db in try await Self.inTransaction(db, begin: begin, body) }
    }

    /// A pooled connection, or ``StoreError/unavailable(_:)`` when none comes within ``acquireTimeout``
    /// (the pool keeps retrying a database that is down; requests must not wait for it).
    private func lease() async throws -> LeasedConnection {
        let leased = LeasedConnection()
        // Once a wait has timed out, the database counts as down: later requests wait only briefly, so that they
        // fail fast, until a connection comes again (the pool keeps reconnecting in the background).
        let timeout = databaseDown.withLock { $0 } ? Self.downTimeout : acquireTimeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            leased.giveUpIfWaiting()
        }
        defer { timer.cancel() }
        do {
            try await leased.start(client)
        } catch {
            guard leased.gaveUp else { throw Self.map(error) }
            databaseDown.withLock { $0 = true }
            throw StoreError.unavailable("no database connection within \(timeout)")
        }
        databaseDown.withLock { $0 = false }
        return leased
    }

    /// PostgreSQL errors that mean "cannot use the database now" become ``StoreError/unavailable(_:)``.
    static func map(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        guard let error = error as? PSQLError else {
            return error is CancellationError ? StoreError.unavailable("cancelled") : error
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08: connection exception; 53: insufficient resources; 57P: operator intervention (shutdown, starting
            // up); 40001/40P01: serialization failure or deadlock; 25006: read-only transaction (a standby).
            if ["08", "53", "57P"].contains(where: state.hasPrefix) || ["40001", "40P01", "25006"].contains(state) {
                return StoreError.unavailable("PostgreSQL \(state): \(error.serverInfo?[.message] ?? "")")
            }
            return error
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled, .sslUnsupported, .failedToAddSSLHandler:
            return StoreError.unavailable("PostgreSQL connection: \(error.code)")
        default:
            return error
        }
    }

    // MARK: Name search

    /// A case-folded `LIKE '%…%'`, which the trigram index serves for 3 or more characters.
    static func nameSearch(_ folded: String, _ alias: String) -> SQLQueryString {
        var escaped = ""
        for character in folded {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "\(unsafeRaw: alias).name_folded LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
    }
}

/// A connection borrowed from `PostgresClient.withConnection`, held until ``release()``.
///
/// `withConnection` lends a connection for the length of a closure; this keeps that closure waiting so that the
/// connection can be used across the caller's own async calls. A caller that gives up waiting does not cancel the
/// pool's request (the pool then lends to nobody); the connection, when it comes, goes straight back.
final class LeasedConnection: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var ready: CheckedContinuation<Void, any Error>?
        var done: CheckedContinuation<Void, Never>?
        var gaveUp = false
    }

    private let state = Mutex(State())

    var connection: PostgresConnection { state.withLock { $0.connection! } }
    var gaveUp: Bool { state.withLock { $0.gaveUp } }

    /// Returns once a connection is lent, or throws when the pool fails or ``giveUpIfWaiting()`` stops the wait.
    func start(_ client: PostgresClient) async throws {
        try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
            state.withLock { $0.ready = ready }
            Task {
                do {
                    try await client.withConnection { connection in
                        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                            let ready: CheckedContinuation<Void, any Error>? = self.state.withLock {
                                guard !$0.gaveUp, let ready = $0.ready else { return nil }
                                $0.ready = nil
                                $0.connection = connection
                                $0.done = done
                                return ready
                            }
                            if let ready { ready.resume() } else { done.resume() }
                        }
                    }
                } catch {
                    self.takeReady()?.resume(throwing: error)
                }
            }
        }
    }

    /// Stops waiting for a connection, unless one was already lent.
    func giveUpIfWaiting() {
        let ready: CheckedContinuation<Void, any Error>? = state.withLock {
            guard $0.connection == nil, let ready = $0.ready else { return nil }
            $0.gaveUp = true
            $0.ready = nil
            return ready
        }
        ready?.resume(throwing: CancellationError())
    }

    private func takeReady() -> CheckedContinuation<Void, any Error>? {
        state.withLock {
            let ready = $0.ready
            $0.ready = nil
            return ready
        }
    }

    /// Gives the connection back to the pool.
    func release() {
        let done = state.withLock {
            let done = $0.done
            $0.done = nil
            return done
        }
        done?.resume()
    }
}
