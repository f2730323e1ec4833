import DRSDomain
import Foundation
import Logging
import SQLKit

/// A store whose SQL is the shared SQLKit code of this folder: an implementation supplies connections and
/// transactions for its database, and gets every ``JobStore`` operation from this extension.
protocol SQLBackedStore: JobStore {
    var reads: JobReadSQL { get }

    /// Runs `body` on a pooled connection; errors that mean "cannot use the database now" become
    /// ``StoreError/unavailable(_:)``.
    func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one transaction. A `write` transaction excludes every other writer, in every process, until it
    /// ends; a read transaction sees one snapshot.
    func withTransaction<T>(write: Bool, _ body: (any SQLDatabase) async throws -> T) async throws -> T
}

extension SQLBackedStore {
    static func now() -> String {
        Timestamp.format(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }

    /// Applies, in one write transaction, the migrations newer than the database's schema version.
    func applyMigrations(_ migrations: [SQLiteSchema.Migration], logger: Logger) async throws {
        try await withTransaction(write: true) { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ).run()
            let applied =
                try await db.raw("SELECT CAST(coalesce(max(version), 0) AS BIGINT) AS version FROM schema_migrations")
                .first(decodingColumn: "version", as: Int.self) ?? 0
            for migration in migrations where migration.version > applied {
                for statement in migration.statements { try await db.raw(SQLQueryString(statement)).run() }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Self.now()))"
                ).run()
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    /// Runs `body` in one transaction on `db`: the `begin` statements (the first opens the transaction), `body`,
    /// then COMMIT, or ROLLBACK when anything throws.
    static func inTransaction<T>(
        _ db: any SQLDatabase,
        begin: [SQLQueryString],
        _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.raw(begin[0]).run()
        do {
            for statement in begin.dropFirst() { try await db.raw(statement).run() }
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    // MARK: Projects and the token secret

    public func createProject(id: String, name: String) async throws {
        try await withTransaction(write: true) { db in
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
        return try await withTransaction(write: true) { db in
            if let hex = try await db.raw(select).first(decodingColumn: "value", as: String.self) {
                return try Self.secret(hex: hex)
            }
            let secret = ProjectToken.makeSecret()
            try await db.raw("INSERT INTO server_secrets (name, value) VALUES ('token', \(bind: Hex.encode(secret)))").run()
            return secret
        }
    }

    static func secret(hex: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw StoreError.corrupt("server_secrets.value") }
        return bytes
    }

    // MARK: Tasks

    public func importJobs(_ records: [JobRecord], project: String) async throws {
        try await withTransaction(write: true) { db in try await JobImportSQL.importJobs(records, project: project, db) }
    }

    public func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage {
        // One statement: one snapshot without a transaction.
        try await withConnection { db in try await reads.page(query, offset: offset, limit: limit, project: project, db) }
    }

    public func streamAll(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        onBatch: ([JobRecord]) async throws -> Void
    ) async throws {
        try await withTransaction(write: false) { db in
            try await reads.streamAll(query, project: project, batchSize: batchSize, db, onTotal: onTotal, onBatch: onBatch)
        }
    }

    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws {
        try await withTransaction(write: false) { db in
            try await reads.exportJobs(project: project, batchSize: batchSize, db, onBatch: onBatch)
        }
    }

    // MARK: Identity

    public func projectName(_ id: String) async throws -> String? {
        try await withConnection { db in
            try await db.raw("SELECT name FROM projects WHERE id = \(bind: id)").first(decodingColumn: "name", as: String.self)
        }
    }

    public func projectIDs(named name: String) async throws -> [String] {
        try await withConnection { db in
            try await db.raw("SELECT id FROM projects WHERE name = \(bind: name) ORDER BY id").all(decodingColumn: "id", as: String.self)
        }
    }

    public func createCredential(project: String) async throws -> Credential {
        let credential = Credential(accessKey: Self.randomKey(length: 20), secretKey: Self.randomKey(length: 40), projectID: project)
        try await withTransaction(write: true) { db in
            try await Self.requireProject(project, db)
            try await db.raw(
                """
                INSERT INTO credentials (access_key, secret_key, project_id, created_at)
                VALUES (\(bind: credential.accessKey), \(bind: credential.secretKey), \(bind: project), \(bind: Self.now()))
                """
            ).run()
        }
        return credential
    }

    public func credential(accessKey: String) async throws -> Credential? {
        try await withConnection { db in
            guard
                let row = try await db.raw(
                    "SELECT secret_key, project_id FROM credentials WHERE access_key = \(bind: accessKey)"
                ).first()
            else { return nil }
            return Credential(
                accessKey: accessKey,
                secretKey: try row.decode(column: "secret_key", as: String.self),
                projectID: try row.decode(column: "project_id", as: String.self)
            )
        }
    }

    public func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String {
        let id = ProjectID.generate()
        try await withTransaction(write: true) { db in
            try await Self.requireProject(project, db)
            guard try await db.raw("SELECT id FROM users WHERE domain = \(bind: domain) AND name = \(bind: name)").first() == nil else {
                throw StoreError.userExists(domain: domain, name: name)
            }
            try await db.raw(
                """
                INSERT INTO users (id, domain, name, password_hash, project_id, created_at)
                VALUES (\(bind: id), \(bind: domain), \(bind: name), \(bind: passwordHash), \(bind: project), \(bind: Self.now()))
                """
            ).run()
        }
        return id
    }

    public func user(domain: String, name: String) async throws -> IdentityUser? {
        try await withConnection { db in
            guard
                let row = try await db.raw(
                    "SELECT id, password_hash, project_id FROM users WHERE domain = \(bind: domain) AND name = \(bind: name)"
                ).first()
            else { return nil }
            return IdentityUser(
                id: try row.decode(column: "id", as: String.self),
                domain: domain,
                name: name,
                passwordHash: try row.decode(column: "password_hash", as: String.self),
                projectID: try row.decode(column: "project_id", as: String.self)
            )
        }
    }

    /// Random uppercase letters and digits.
    static func randomKey(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
