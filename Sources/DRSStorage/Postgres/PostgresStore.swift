import DRSDomain
import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The shared store: one PostgreSQL database that any number of `drs` processes use at once.
///
/// The connection pool (`PostgresClient`) runs as the store's service. Every statement is a named prepared statement
/// (``PreparedStatements``), and a page is one statement, so one round trip. Writes lock only the rows they change; the
/// count rows are written at the end of a transaction, in one order, so that a long import holds them only briefly.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    /// How long a request waits for a pooled connection before the database counts as unavailable.
    let acquireTimeout: Duration
    /// Set when a request found no connection within ``acquireTimeout``; cleared by the next connection lent.
    private let databaseDown = Mutex(false)
    /// How long a request waits for a connection while the database is down.
    static let downTimeout = Duration.milliseconds(250)
    /// Project ID -> tenant key. Projects are never removed, so an entry never goes stale.
    private let tenants = Mutex<[String: Int64]>([:])
    /// What the last page of each query counted by facet bits showed (by tenant, lane, dimensions and facets), which
    /// tells the next page of it how to look for its tasks (``PostgresQueryPlan/page(offset:limit:hint:)``); forgotten
    /// all at once when full.
    let walkHints = Mutex<[String: PostgresQueryPlan.WalkHint]>([:])
    static let walkHintLimit = 10_000
    let counters = StoreCounters()
    let poolSize: Int
    /// The waits for a connection that have not ended yet, given up when their time is over.
    let deadlines = HandoffDeadlines()
    /// Whether the service runs the pool (a lease asked for before that draws a warning from postgres-nio).
    private let running = Atomic<Bool>(false)

    /// The advisory lock that migrations hold (an arbitrary constant: "drs" in ASCII), so that several processes can start
    /// at once.
    static let migrationLock = 0x647273

    /// Connections per process when `DRS_POOL_SIZE` is not set: four per core of this machine, at least 8. Many more
    /// only make statements queue on the same cores (on two cores, 16 gave name searches, W3, a p99 of 160-300 ms
    /// where 8 gave 38 ms); fewer leave the database idle while requests of several statements talk to it (4 gave
    /// batch-status, L1, 1,450 requests/s where 8 gave 1,980).
    public static var defaultPoolSize: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    /// A store on the database at `url` (`postgres://user:password@host:port/database`). It connects once its service
    /// runs; ``prepare()`` then applies the migrations.
    public init(url: String, poolSize: Int, acquireTimeout: Duration = .seconds(3), logger: Logger) throws {
        guard let configuration = Self.configuration(url: url) else {
            throw StoreError.unavailable("not a PostgreSQL URL (postgres://user:password@host:port/database)")
        }
        var withOptions = configuration
        withOptions.options.maximumConnections = poolSize
        withOptions.options.minimumConnections = 0
        withOptions.options.connectionIdleTimeout = .seconds(60)
        // Every statement is prepared once per connection with its values as parameters, and every plan starts from the
        // tenant's own index entries: one generic plan per statement, instead of planning again on every run (custom
        // plans cost 0.3-0.8 ms of planning per page, several times the page's execution).
        withOptions.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        self.client = PostgresClient(configuration: withOptions, backgroundLogger: logger)
        self.poolSize = poolSize
        self.logger = logger
        self.acquireTimeout = acquireTimeout
    }

    /// The client configuration of a `postgres://` or `postgresql://` URL; TLS is required when `sslmode` says so.
    static func configuration(url: String) -> PostgresClient.Configuration? {
        guard let components = URLParts(url), let host = components.host else { return nil }
        let tls: PostgresClient.Configuration.TLS =
            ["require", "verify-ca", "verify-full"].contains(components.query["sslmode"] ?? "") ? .require(.makeClientConfiguration()) : .disable
        if host.hasPrefix("/") {
            return .init(unixSocketPath: host, username: components.user ?? "postgres", password: components.password, database: components.database)
        }
        return .init(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: components.database,
            tls: tls
        )
    }

    // MARK: Service

    /// Runs the connection pool, and the clock of the waits for a connection, until the application shuts down (or the
    /// task is cancelled).
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.deadlines.run() }
            // The pool ends at cancellation or at the application's graceful shutdown; the clock then stops with it.
            running.store(true, ordering: .releasing)
            await client.run()
            group.cancelAll()
        }
    }

    /// Applies the migrations newer than the database's version, under an advisory lock.
    public func prepare() async throws {
        try await withConnection { connection in
            try await PreparedStatements.run(PostgresStatement("BEGIN"), on: connection, logger: logger)
            do {
                let lock = PostgresStatement("SELECT pg_advisory_xact_lock(\(bind: Self.migrationLock))")
                try await PreparedStatements.run(lock, on: connection, logger: logger)
                try await execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    connection
                )
                var applied = 0
                for row in try await PreparedStatements.all(
                    PostgresStatement("SELECT coalesce(max(version), 0) FROM schema_migrations"),
                    on: connection,
                    logger: logger
                ) {
                    applied = try row.decode(Int.self)
                }
                for migration in Schema.migrations where migration.version > applied {
                    for sql in migration.postgres { try await execute(sql, connection) }
                    let record = PostgresStatement(
                        """
                        INSERT INTO schema_migrations (version, name, applied_at)
                        VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.format(milliseconds: Timestamp.nowMilliseconds())))
                        """
                    )
                    try await PreparedStatements.run(record, on: connection, logger: logger)
                    logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
                if applied < 5 { try await rebuildFacets(connection) }
                try await PreparedStatements.run(PostgresStatement("COMMIT"), on: connection, logger: logger)
            } catch {
                try? await PreparedStatements.run(PostgresStatement("ROLLBACK"), on: connection, logger: logger)
                throw error
            }
        }
    }

    /// Writes the facet bits of every top-level task from the tasks themselves: after migration 5 moved the tasks of an
    /// older database (a new database has none), and in tests that compare them with the bits the write path keeps.
    func rebuildFacets(_ connection: PostgresConnection) async throws {
        try await PreparedStatements.run(PostgresStatement("DELETE FROM task_bits"), on: connection, logger: logger)
        var keys: [Int64: [Int64]] = [:]
        let rows = try await PreparedStatements.all(
            PostgresStatement("SELECT tenant, pk FROM tasks WHERE lane IS NOT NULL ORDER BY tenant, pk"),
            on: connection,
            logger: logger
        )
        for row in rows {
            let (tenant, key) = try row.decode((Int64, Int64).self)
            keys[tenant, default: []].append(key)
        }
        for (tenant, keys) in keys.sorted(by: { $0.key < $1.key }) {
            let writer = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            try await writer.addFacets(ofKeys: keys)
            try await writer.finish()
        }
    }

    /// Runs a statement unnamed (schema changes are run once).
    private func execute(_ sql: String, _ connection: PostgresConnection) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    public func close() async {}

    public func ping() async throws {
        try await withConnection { connection in
            try await PreparedStatements.run(PostgresStatement("SELECT 1"), on: connection, logger: logger)
        }
    }

    public var statistics: StoreStatistics {
        var statistics = StoreStatistics()
        statistics.poolSize = poolSize
        statistics.inUse = counters.inUse.load(ordering: .relaxed)
        statistics.waiting = counters.waiting.load(ordering: .relaxed)
        statistics.acquires = counters.acquires.load(ordering: .relaxed)
        statistics.waitSeconds = Double(counters.waitNanoseconds.load(ordering: .relaxed)) / 1e9
        statistics.statements = PreparedStatements.executed.load(ordering: .relaxed)
        statistics.tasksImported = counters.imported.load(ordering: .relaxed)
        return statistics
    }

    // MARK: Connections

    /// Runs `body` with a pooled connection, or throws ``StoreError/unavailable(_:)`` when none comes within
    /// ``acquireTimeout`` (a quarter second once the database is known to be down; the pool keeps reconnecting).
    ///
    /// The wait is a child task of a task group: it borrows a connection from the pool and hands it over; it gives up
    /// when cancelled, which the timeout does.
    func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let timeout = databaseDown.withLock { $0 } ? Self.downTimeout : acquireTimeout
        // A command's first statement can come before its store's service started the pool: it waits a moment.
        var waited = 0
        while !running.load(ordering: .acquiring), waited < 100 {
            try? await Task.sleep(for: .milliseconds(1))
            waited += 1
        }
        let client = self.client
        let counters = self.counters
        let started = ContinuousClock.now
        do {
            return try await withThrowingTaskGroup(of: Void.self) { group in
                let handoff = ConnectionHandoff(deadlines: deadlines)
                group.addTask {
                    try await client.withConnection { connection in await handoff.lend(connection) }
                }
                let connection: PostgresConnection
                counters.waiting.add(1, ordering: .relaxed)
                do {
                    connection = try await handoff.wait(timeout: timeout)
                    counters.waiting.subtract(1, ordering: .relaxed)
                } catch {
                    counters.waiting.subtract(1, ordering: .relaxed)
                    databaseDown.withLock { $0 = true }
                    group.cancelAll()
                    throw StoreError.unavailable("no database connection within \(timeout)")
                }
                databaseDown.withLock { $0 = false }
                let (seconds, attoseconds) = (ContinuousClock.now - started).components
                counters.waitNanoseconds.add(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000), ordering: .relaxed)
                counters.acquires.add(1, ordering: .relaxed)
                counters.inUse.add(1, ordering: .relaxed)
                defer { counters.inUse.subtract(1, ordering: .relaxed) }
                do {
                    let result = try await body(connection)
                    handoff.giveBack()
                    try await group.waitForAll()
                    return result
                } catch {
                    handoff.giveBack()
                    throw error
                }
            }
        } catch {
            throw Self.map(error)
        }
    }

    /// Runs `body` in one transaction: `BEGIN` (with `begin`'s options), then COMMIT, or ROLLBACK when it throws.
    func transaction<T>(_ begin: String = "BEGIN", _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await PreparedStatements.run(PostgresStatement(sql: begin), on: connection, logger: logger)
            do {
                let result = try await body(connection)
                try await PreparedStatements.run(PostgresStatement("COMMIT"), on: connection, logger: logger)
                return result
            } catch {
                try? await PreparedStatements.run(PostgresStatement("ROLLBACK"), on: connection, logger: logger)
                throw error
            }
        }
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

    // MARK: Tenants

    /// The tenant key of a project, or nil when the project does not exist.
    func tenant(_ project: String, _ connection: PostgresConnection) async throws -> Int64? {
        if let known = tenants.withLock({ $0[project] }) { return known }
        let statement = PostgresStatement("SELECT tenant FROM tenants WHERE project_id = \(bind: project)")
        guard let row = try await PreparedStatements.all(statement, on: connection, logger: logger).first else { return nil }
        let tenant = try row.decode(Int64.self)
        tenants.withLock { $0[project] = tenant }
        return tenant
    }
}

/// Hands a pooled connection from the task that borrowed it to the task that uses it, and back.
final class ConnectionHandoff: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var waiter: CheckedContinuation<PostgresConnection, any Error>?
        var lender: CheckedContinuation<Void, Never>?
        var gaveUp = false
        var returned = false
    }

    private let state = Mutex(State())
    private let deadlines: HandoffDeadlines

    init(deadlines: HandoffDeadlines) {
        self.deadlines = deadlines
    }

    /// Called by the borrowing task: hands `connection` over, and returns when the user gives it back (at once when the
    /// user stopped waiting).
    func lend(_ connection: PostgresConnection) async {
        await withCheckedContinuation { (lender: CheckedContinuation<Void, Never>) in
            let waiter: CheckedContinuation<PostgresConnection, any Error>?? = state.withLock { state in
                guard !state.gaveUp, !state.returned else { return nil }
                state.connection = connection
                state.lender = lender
                defer { state.waiter = nil }
                return .some(state.waiter)
            }
            guard let waiter else { return lender.resume() }
            if let waiter {
                deadlines.remove(self)
                waiter.resume(returning: connection)
            }
        }
    }

    /// Waits at most `timeout` for the connection. (The time is kept by ``HandoffDeadlines``, one clock for every wait,
    /// rather than a timer per wait: scheduling and cancelling an event-loop timer cost two wake-ups of another thread
    /// per page, 3 % of the CPU of page queries on PostgreSQL.)
    func wait(timeout: Duration) async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + timeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<PostgresConnection, any Error>) in
                let ready: PostgresConnection? = state.withLock { state in
                    if let connection = state.connection { return connection }
                    state.waiter = waiter
                    return nil
                }
                if let ready { return waiter.resume(returning: ready) }
                deadlines.add(self, at: deadline)
            }
        } onCancel: {
            giveUp(CancellationError())
        }
    }

    /// Ends the wait with `error` unless the connection came.
    func giveUp(_ error: any Error) {
        let waiter: CheckedContinuation<PostgresConnection, any Error>? = state.withLock { state in
            guard state.connection == nil else { return nil }
            state.gaveUp = true
            defer { state.waiter = nil }
            return state.waiter
        }
        deadlines.remove(self)
        waiter?.resume(throwing: error)
    }

    /// The user is done with the connection: it goes back to the pool.
    func giveBack() {
        let lender: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.returned = true
            defer { state.lender = nil }
            return state.lender
        }
        lender?.resume()
    }
}

/// The deadlines of the waits for a connection, checked every 25 ms by the store's service.
final class HandoffDeadlines: Sendable {
    private let waits = Mutex<[ObjectIdentifier: (deadline: ContinuousClock.Instant, handoff: ConnectionHandoff)]>([:])
    static let tick = Duration.milliseconds(25)

    func add(_ handoff: ConnectionHandoff, at deadline: ContinuousClock.Instant) {
        waits.withLock { $0[ObjectIdentifier(handoff)] = (deadline, handoff) }
    }

    func remove(_ handoff: ConnectionHandoff) {
        _ = waits.withLock { $0.removeValue(forKey: ObjectIdentifier(handoff)) }
    }

    /// Gives up the waits whose deadline passed, until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let due = waits.withLock { waits in
                let due = waits.filter { $0.value.deadline <= now }
                for key in due.keys { waits.removeValue(forKey: key) }
                return due.values.map(\.handoff)
            }
            for handoff in due { handoff.giveUp(CancellationError()) }
        }
    }
}
