import CDRSSQLiteConfig
import Synchronization
import VaporCSQLite

/// SQL text with a number of its own, so that a connection finds the statement prepared for it by index, without
/// hashing the text. Make one per statement, once (a `static let`).
public final class SQL: Sendable, ExpressibleByStringLiteral {
    public let text: String
    let number: Int
    private static let count = Atomic<Int>(0)

    public init(_ text: String) {
        self.text = text
        self.number = Self.count.add(1, ordering: .relaxed).oldValue
    }

    public convenience init(stringLiteral text: String) {
        self.init(text)
    }
}

/// One connection to a SQLite database file, with a cache of prepared statements.
///
/// Opened in SQLite's multi-thread mode (`SQLITE_OPEN_NOMUTEX`): any thread may use it, one at a time. The pool
/// (``SQLitePool``) guarantees that, which is why the type can be `@unchecked Sendable`.
public final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]
    /// Statements of ``SQL`` values, by number.
    private var numbered: [SQLiteStatement?] = []
    /// Statements prepared on this connection since it was opened; the statement cache keeps this at one per SQL text.
    public private(set) var preparedCount = 0
    /// The file this connection opened.
    public let path: String

    /// Opens (creating if needed) the database at `path`; registers drs's FTS5 tokenizer on the connection.
    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError.last(handle, code: code)
            sqlite_nio_sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        self.path = path
        do throws(SQLiteError) {
            // Plans that do not depend on bound values. Without this, SQLite (3.5x) re-prepares a statement whenever a
            // value compared with `=` changes to or from 0 or 1: FTS5's own statement that finds a term in a segment
            // (segid = ?) was prepared again for almost every segment of every name search (8 % of W3's time).
            let config = drs_sqlite_db_config_flag(UnsafeMutableRawPointer(handle), SQLITE_DBCONFIG_ENABLE_QPSG, 1)
            guard config == SQLITE_OK else { throw SQLiteError.last(handle, code: config) }
            try TrigramTokenizer.register(on: self)
        } catch {
            sqlite_nio_sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        cache.removeAll()
        numbered.removeAll()
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows (schema changes, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws(SQLiteError) {
        Self.statementsRun.add(1, ordering: .relaxed)
        let code = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError.last(handle, code: code) }
    }

    /// Runs `body` with the cached statement for `sql` (prepared on first use), then resets it. A statement already in
    /// use by an enclosing call gets a fresh, uncached copy instead.
    public func withStatement<T>(_ sql: String, _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement = try lend(sql)
        defer { giveBack(statement) }
        return try body(statement)
    }

    /// Runs `body` with the cached statement for `sql`, then resets it.
    public func withStatement<T>(_ sql: SQL, _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement = try lend(sql)
        defer { giveBack(statement) }
        return try body(statement)
    }

    /// The cached statement for `sql`, lent until ``giveBack(_:)``.
    public func lend(_ sql: SQL) throws(SQLiteError) -> SQLiteStatement {
        Self.statementsRun.add(1, ordering: .relaxed)
        if sql.number < numbered.count, let statement = numbered[sql.number] {
            if !statement.isLent {
                statement.isLent = true
                return statement
            }
            return try prepare(sql.text, cached: false)
        }
        let statement = try prepare(sql.text, cached: true)
        if sql.number >= numbered.count { numbered += Array(repeating: nil, count: sql.number - numbered.count + 1) }
        numbered[sql.number] = statement
        statement.isLent = true
        return statement
    }

    /// The cached statement for `sql`, lent until ``giveBack(_:)``.
    public func lend(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        Self.statementsRun.add(1, ordering: .relaxed)
        if let statement = cache[sql] {
            if !statement.isLent {
                statement.isLent = true
                return statement
            }
            return try prepare(sql, cached: false)
        }
        let statement = try prepare(sql, cached: true)
        cache[sql] = statement
        statement.isLent = true
        return statement
    }

    /// Resets a statement from ``lend(_:)`` and makes it available again.
    public func giveBack(_ statement: SQLiteStatement) {
        statement.reset()
        statement.isLent = false
    }

    /// A statement that is not cached (DDL, one-off statements).
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        Self.statementsRun.add(1, ordering: .relaxed)
        return try prepare(sql, cached: false)
    }

    private func prepare(_ sql: String, cached: Bool) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        // SQLITE_PREPARE_PERSISTENT: the statement will be used many times.
        let flags = UInt32(cached ? SQLITE_PREPARE_PERSISTENT : 0)
        let code = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw SQLiteError.last(handle, code: code) }
        preparedCount += 1
        return SQLiteStatement(handle: statement, sql: sql, isCached: cached)
    }

    /// Statements run by every connection of the process (each lent, prepared or executed statement counts once): the
    /// `drs_db_statements_total` metric.
    public static let statementsRun = Atomic<Int>(0)

    /// The statements in the cache, for tests and diagnostics.
    public var cachedStatements: [SQLiteStatement] { Array(cache.values) + numbered.compactMap { $0 } }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite_nio_sqlite3_changes64(handle)) }

    /// Rows inserted, updated or deleted by this connection since it was opened (triggers and rolled-back changes
    /// included): with `PRAGMA data_version`, which moves when any other connection commits, it tells that the
    /// database may have changed since an earlier look.
    public var totalChanges: Int64 { sqlite_nio_sqlite3_total_changes64(handle) }

    /// What a layer above keeps with this connection (it has one user at a time, like the connection itself).
    public var attachment: AnyObject?

    /// The rowid of the last successful INSERT.
    public var lastInsertRowID: Int64 { sqlite_nio_sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open (not in autocommit mode).
    public var isInTransaction: Bool { sqlite_nio_sqlite3_get_autocommit(handle) == 0 }

    /// Makes a running statement stop with `SQLITE_INTERRUPT` as soon as possible; safe from any thread.
    public func interrupt() {
        sqlite_nio_sqlite3_interrupt(handle)
    }

    /// The value of a pragma that answers one integer.
    public func pragmaInteger(_ name: String) throws -> Int64 {
        try withStatement("PRAGMA \(name)") { statement in
            guard try statement.step() else { return 0 }
            return statement.int64(0)
        }
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` takes the write lock at once; `BEGIN` defers it), committing
    /// when it returns and rolling back when it throws.
    public func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }
}
