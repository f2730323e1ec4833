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
    let reads = JobReadSQL(filters: JobFilterSQL(nameSearch: SQLiteJobStore.nameSearch), rows: SQLiteJobStore.rows)

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
            let result = try await body(SQLiteSession(connection))
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

    /// Runs `body` in one transaction on `db`; `immediate` takes the write lock at once.
    static func inTransaction<T>(immediate: Bool, _ db: any SQLDatabase, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await inTransaction(db, begin: [immediate ? "BEGIN IMMEDIATE" : "BEGIN"], body)
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

    /// Rows of the shared SQL: straight from SQLiteNIO on the store's own connections.
    static func rows(_ statement: SQLQueryString, _ db: any SQLDatabase) async throws -> [any RowSource] {
        guard let session = db as? SQLiteSession else { return try await JobReadSQL.sqlKitRows(statement, db) }
        return try await session.rows(statement)
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
