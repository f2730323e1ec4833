import DRSDomain
import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, created and migrated on first use.
public struct SQLiteJobStore: SQLBackedStore {
    let pool: SQLiteConnectionPool
    let logger: Logger
    let reads = JobReadSQL(filters: JobFilterSQL(nameSearch: SQLiteJobStore.nameSearch))

    /// Opens (creating if needed) and migrates the database file at `path`.
    /// - Parameter busyTimeoutMilliseconds: how long an operation waits for a lock before the database counts as unavailable.
    public static func open(
        path: String,
        maxConnections: Int = 8,
        busyTimeoutMilliseconds: Int = 5000,
        logger: Logger = Logger(label: "drs.store")
    ) async throws -> SQLiteJobStore {
        let store = SQLiteJobStore(
            pool: SQLiteConnectionPool(
                path: path,
                maxConnections: maxConnections,
                busyTimeoutMilliseconds: busyTimeoutMilliseconds,
                logger: logger
            ),
            logger: logger
        )
        do {
            try await store.migrate()
            // Fresh connections read the planner statistics the migrations wrote.
            await store.pool.closeIdleConnections()
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }

    public func shutdown() async {
        await pool.shutdown()
    }

    // MARK: Connections and transactions

    /// Runs `body` on a pooled connection. SQLite errors that mean "cannot use the database now" become
    /// ``StoreError/unavailable(_:)``.
    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection: SQLiteConnection
        do {
            connection = try await pool.acquire()
        } catch {
            throw Self.map(error)
        }
        do {
            // No SQL logging: bound values include secrets (the token secret, secret keys).
            let result = try await body(connection.sql(queryLogLevel: nil))
            await pool.release(connection)
            return result
        } catch {
            await pool.release(connection)
            throw Self.map(error)
        }
    }

    /// `write` transactions take SQLite's write lock at once (BEGIN IMMEDIATE).
    func withTransaction<T>(write: Bool, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { db in try await Self.inTransaction(immediate: write, db, body) }
    }

    /// Runs `body` in one transaction on `db`.
    static func inTransaction<T>(immediate: Bool, _ db: any SQLDatabase, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.raw(immediate ? "BEGIN IMMEDIATE" : "BEGIN").run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    static func map(_ error: any Error) -> any Error {
        guard let sqliteError = error as? SQLiteError else { return error }
        let reason = String(describing: sqliteError.reason)
        let unavailable = ["busy", "locked", "cantOpen", "ioError", "full", "readOnly", "readonly", "notADatabase"]
        return unavailable.contains(where: reason.hasPrefix) ? StoreError.unavailable(sqliteError.description) : error
    }

    // MARK: Schema

    func migrate() async throws {
        try await withConnection { db in try await db.raw("PRAGMA journal_mode = WAL").run() }
        try await applyMigrations(SQLiteSchema.migrations, logger: logger)
    }

    // MARK: Name search

    /// Substrings of 3 or more characters use the FTS5 trigram index; shorter ones are compared on each
    /// candidate row, which the other conditions have already narrowed through an index.
    static func nameSearch(_ folded: String, _ alias: String) -> SQLQueryString {
        guard folded.unicodeScalars.count >= 3 else {
            return "instr(\(unsafeRaw: alias).name_folded, \(bind: folded)) > 0"
        }
        let phrase = "\"" + folded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return "\(unsafeRaw: alias).pk IN (SELECT rowid FROM jobs_name_search WHERE jobs_name_search MATCH \(bind: phrase))"
    }
}

// MARK: The page, read straight from the driver

extension SQLiteJobStore {
    /// The shared page statement, run through SQLiteNIO directly: its rows are read without SQLKit's `Decodable`
    /// layer, which cost as much as the query itself on a 10-task page (docs/performance.md).
    public func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage {
        guard limit > 0 else {
            return try await withConnection { db in try await reads.page(query, offset: offset, limit: limit, project: project, db) }
        }
        let statement = reads.pageStatement(query, offset: offset, limit: limit, project: project)
        let connection: SQLiteConnection
        do {
            connection = try await pool.acquire()
        } catch {
            throw Self.map(error)
        }
        do {
            let (sql, binds) = connection.sql(queryLogLevel: nil).serialize(statement)
            let rows = try await connection.query(sql, try binds.map(Self.sqliteData))
            await pool.release(connection)
            return try JobReadSQL.assemblePage(rows)
        } catch {
            await pool.release(connection)
            throw Self.map(error)
        }
    }

    /// A bound value of the shared SQL (text or integer) as SQLite data.
    static func sqliteData(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let text as String: return .text(text)
        case let integer as Int: return .integer(integer)
        default: throw StoreError.corrupt("unexpected bound value of type \(type(of: value))")
        }
    }
}

extension SQLiteRow: RowSource {
    func text(_ column: String) throws -> String? {
        switch self.column(column) {
        case .text(let text): return text
        case .null: return nil
        case nil: throw StoreError.corrupt("no column \(column)")
        case let other?: throw StoreError.corrupt("\(column) is \(other), not text")
        }
    }

    func integer(_ column: String) throws -> Int? {
        switch self.column(column) {
        case .integer(let integer): return integer
        case .null: return nil
        case nil: throw StoreError.corrupt("no column \(column)")
        case let other?: throw StoreError.corrupt("\(column) is \(other), not an integer")
        }
    }
}
