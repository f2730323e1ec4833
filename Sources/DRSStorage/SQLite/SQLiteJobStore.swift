import DRSDomain
import Foundation
import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, created and migrated on first use.
public struct SQLiteJobStore: JobStore {
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

    /// Runs `body` in one transaction: `immediate` takes the write lock at once; a read transaction sees one snapshot.
    func withTransaction<T>(immediate: Bool, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { db in try await Self.inTransaction(immediate: immediate, db, body) }
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
        try await withConnection { db in
            try await db.raw("PRAGMA journal_mode = WAL").run()
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ).run()
        }
        try await withTransaction(immediate: true) { db in
            let applied =
                try await db.raw("SELECT coalesce(max(version), 0) AS version FROM schema_migrations").first(
                    decodingColumn: "version",
                    as: Int.self
                ) ?? 0
            for migration in SQLiteSchema.migrations where migration.version > applied {
                for statement in migration.statements { try await db.raw(SQLQueryString(statement)).run() }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Self.now()))"
                ).run()
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    static func now() -> String {
        Timestamp.format(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }

    // MARK: Projects and secrets

    public func createProject(id: String, name: String) async throws {
        try await withTransaction(immediate: true) { db in
            guard try await !Self.projectExists(id, db) else { throw StoreError.projectExists(id) }
            try await db.raw(
                "INSERT INTO projects (id, name, created_at) VALUES (\(bind: id), \(bind: name), \(bind: Self.now()))"
            ).run()
        }
    }

    static func projectExists(_ id: String, _ db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM projects WHERE id = \(bind: id)").first() != nil
    }

    /// Throws ``StoreError/projectNotFound(_:)`` unless the project exists.
    static func requireProject(_ id: String, _ db: any SQLDatabase) async throws {
        guard try await projectExists(id, db) else { throw StoreError.projectNotFound(id) }
    }

    public func projectExists(_ id: String) async throws -> Bool {
        try await withConnection { try await Self.projectExists(id, $0) }
    }

    public func tokenSecret() async throws -> [UInt8] {
        let select: SQLQueryString = "SELECT value FROM server_secrets WHERE name = 'token'"
        // Read first: only the very first call on a database needs the write lock.
        if let hex = try await withConnection({ try await $0.raw(select).first(decodingColumn: "value", as: String.self) }) {
            return try Self.secret(hex: hex)
        }
        return try await withTransaction(immediate: true) { db in
            if let hex = try await db.raw(select).first(decodingColumn: "value", as: String.self) {
                return try Self.secret(hex: hex)
            }
            let secret = ProjectToken.makeSecret()
            try await db.raw(
                "INSERT INTO server_secrets (name, value) VALUES ('token', \(bind: Hex.encode(secret)))"
            ).run()
            return secret
        }
    }

    static func secret(hex: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw StoreError.corrupt("server_secrets.value") }
        return bytes
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
