import DRSDomain
import DRSSQLite
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The embedded store: one SQLite file in WAL mode, created and migrated on first use.
///
/// Reads that are short run on the caller's thread with cached statements; long work moves to the pool's own threads
/// (``SQLitePool``). No connection ever blocks inside SQLite waiting for a lock (`busy_timeout` is 0): a statement
/// that finds the database locked fails at once, and the store retries the whole operation after a short async sleep,
/// until ``busyTimeout`` has passed; then the database counts as unavailable.
public final class SQLiteStore: Store {
    let pool: SQLitePool
    let logger: Logger
    let busyTimeout: Duration
    let writers = WriteQueue()
    /// Facet chunks decoded by earlier reads (``FacetChunkCache``).
    let facetCache = FacetChunkCache()
    /// Names held in memory for name searches (``NameIndex``).
    let nameIndex: NameIndex
    let counters = StoreCounters()
    /// Project ID -> tenant key. Projects are never removed, so an entry never goes stale.
    private let tenants = Mutex<[String: Int64]>([:])

    /// Opens (creating if needed) and migrates the database file at `path`.
    /// - Parameters:
    ///   - poolSize: connections (and threads) at most.
    ///   - busyTimeout: how long an operation waits for a lock or a free connection before the database counts as
    ///     unavailable.
    ///   - nameMemory: bytes of names held in memory for name searches at most (``NameIndex``); 0 serves every
    ///     name search from the FTS5 index.
    public static func open(
        path: String,
        poolSize: Int = 8,
        busyTimeout: Duration = .seconds(5),
        nameMemory: Int = StoreLocation.defaultNameMemory,
        logger: Logger = Logger(label: "drs.store")
    ) async throws -> SQLiteStore {
        let store = SQLiteStore(path: path, poolSize: poolSize, busyTimeout: busyTimeout, nameMemory: nameMemory, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw Self.map(error)
        }
        return store
    }

    private init(path: String, poolSize: Int, busyTimeout: Duration, nameMemory: Int, logger: Logger) {
        self.logger = logger
        self.busyTimeout = busyTimeout
        self.nameIndex = NameIndex(limit: nameMemory)
        self.pool = SQLitePool(
            .init(path: path, size: poolSize, acquireTimeout: busyTimeout) { connection in
                try Self.setUp(connection)
            }
        )
    }

    /// Every connection: WAL-friendly durability (checkpoints every 32 MiB of log), foreign keys, and no blocking on locks.
    /// Deleted content is zeroed only where that writes no extra page (the SQLite that sqlite-nio bundles zeroes every
    /// freed page by default: FTS5's merges during an import freed and wrote thousands). No memory map: mapped pages count
    /// in the process's resident memory, so streaming a whole tenant grew the peak by the size of the file read (1.4 GiB
    /// at 1,000,000 tasks), for a gain within the benchmark's noise.
    static func setUp(_ connection: SQLiteConnection) throws {
        try connection.execute(
            """
            PRAGMA busy_timeout = 0; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 8192; PRAGMA secure_delete = FAST; PRAGMA mmap_size = 0;
            """
        )
    }

    // MARK: Service

    /// Runs until the application shuts down (or the task is cancelled), then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// The schema was brought up to date when the store was opened.
    public func prepare() async throws {}

    public func close() async {
        await pool.close()
    }

    public func ping() async throws {
        _ = try await read { db in try db.pragmaInteger("user_version") }
    }

    public var statistics: StoreStatistics {
        var statistics = StoreStatistics()
        let (open, idle, waiting) = pool.counts
        let lendings = pool.lendings
        statistics.poolSize = pool.configuration.size
        statistics.inUse = open - idle
        statistics.waiting = waiting
        statistics.acquires = lendings.acquires
        let (seconds, attoseconds) = lendings.waited.components
        statistics.waitSeconds = Double(seconds) + Double(attoseconds) / 1e18
        statistics.statements = SQLiteConnection.statementsRun.load(ordering: .relaxed)
        statistics.tasksImported = counters.imported.load(ordering: .relaxed)
        statistics.nameMemoryBytes = nameIndex.heldBytes
        statistics.nameSearchesFromFTS5 = nameIndex.unserved.load(ordering: .relaxed)
        return statistics
    }

    // MARK: Running operations

    /// Runs `body` with a connection on the caller's thread, again after a short sleep when the database was busy.
    func read<T>(_ body: (SQLiteConnection) throws -> T) async throws -> T {
        try await retryingBusy { try await pool.withConnection(body) }
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): after the process's earlier writers (``WriteQueue``),
    /// taking the write lock with async retries while another process holds it.
    func write<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await writers.run { try await writeNow(body) }
    }

    private func writeNow<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await retryingBusy {
            try await pool.withConnection { (connection: SQLiteConnection) async throws -> T in
                try connection.withStatement("BEGIN IMMEDIATE") { try $0.run() }
                do {
                    let result = try await body(connection)
                    try connection.withStatement("COMMIT") { try $0.run() }
                    return result
                } catch {
                    if connection.isInTransaction { try? connection.execute("ROLLBACK") }
                    throw error
                }
            }
        }
    }

    /// Runs `operation`; when SQLite reports the database busy or locked, sleeps briefly and runs it again, for at most
    /// ``busyTimeout``. Other errors, and busy past the deadline, are mapped for the caller (``map(_:)``).
    func retryingBusy<T>(_ operation: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + busyTimeout
        var pause = Duration.milliseconds(1)
        while true {
            do {
                return try await operation()
            } catch let error as SQLiteError where error.primaryCode == 5 || error.primaryCode == 6 {  // SQLITE_BUSY, SQLITE_LOCKED
                guard ContinuousClock.now + pause < deadline else { throw StoreError.unavailable("database locked: \(error.message)") }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            } catch {
                throw Self.map(error)
            }
        }
    }

    /// Errors that mean "cannot use the database now" become ``StoreError/unavailable(_:)``; the decision is by
    /// SQLite's result code, never its message.
    static func map(_ error: any Error) -> any Error {
        switch error {
        case let error as SQLiteError where error.isUnavailable: return StoreError.unavailable(error.description)
        case let error as SQLitePoolError: return StoreError.unavailable(error.description)
        case is CancellationError: return StoreError.unavailable("cancelled")
        default: return error
        }
    }

    // MARK: Tenants

    /// The tenant key of a project, or nil when the project does not exist.
    func tenant(_ project: String, _ db: SQLiteConnection) throws -> Int64? {
        if let known = tenants.withLock({ $0[project] }) { return known }
        let tenant: Int64? = try db.withStatement(Self.tenantOfProject) { statement in
            statement.bind(1, project)
            return try statement.step() ? statement.int64(0) : nil
        }
        if let tenant { tenants.withLock { $0[project] = tenant } }
        return tenant
    }

    static let tenantOfProject = SQL("SELECT tenant FROM tenants WHERE project_id = ?1")

    /// Writes the facet bits of every top-level task from the tasks themselves: after migration 5 moved the tasks of an
    /// older database (a new database has none), and in tests that compare them with the bits the write path keeps.
    static func rebuildFacets(_ db: SQLiteConnection) throws {
        try db.execute("DELETE FROM task_bits")
        var tasks: [(key: Int64, tenant: Int64, ordinal: Int64)] = []
        try db.withStatement("SELECT pk, tenant, ord FROM tasks WHERE lane IS NOT NULL ORDER BY tenant, pk") { statement in
            while try statement.step() { tasks.append((statement.int64(0), statement.int64(1), statement.int64(2))) }
        }
        var writer: SQLiteTaskWriter?
        for task in tasks {
            if writer?.tenant != task.tenant {
                try writer?.finish()
                writer = SQLiteTaskWriter(db, tenant: task.tenant)
            }
            try writer?.addFacets(ofKey: task.key, ordinal: task.ordinal)
        }
        try writer?.finish()
    }

    // MARK: Schema

    /// Applies the migrations newer than the database's version, in one write transaction on a thread of the pool
    /// (migration 5 moves every task of an older database).
    func migrate() async throws {
        try await retryingBusy {
            try await pool.withConnectionOnThread { [logger] db in
                try db.execute("PRAGMA journal_mode = WAL")
                try db.transaction(immediate: true) {
                    try db.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                    let applied = try db.withStatement("SELECT coalesce(max(version), 0) FROM schema_migrations") { statement in
                        try statement.step() ? statement.int(0) : 0
                    }
                    for migration in Schema.migrations where migration.version > applied {
                        for sql in migration.sqlite { try db.execute(sql) }
                        try db.withStatement("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)") {
                            $0.bind(1, migration.version)
                            $0.bind(2, migration.name)
                            $0.bind(3, Timestamp.format(milliseconds: Timestamp.nowMilliseconds()))
                            try $0.run()
                        }
                        logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    }
                    if applied < 5 { try Self.rebuildFacets(db) }
                }
            }
        }
        // Connections opened before the migration hold statements and planner statistics of the old schema.
        pool.closeIdleConnections()
    }
}
