import DRSDomain
import DRSTestSupport
import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Testing

@testable import DRSStorage

/// What only the SQLite store has: its query plans, WAL, and how a locked file behaves.
@Suite struct SQLiteSpecificTests {
    static func withFile<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drs-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder.appendingPathComponent("drs.sqlite").path)
    }

    /// The plan lines of the count and list queries of `body`.
    static func plans(_ store: SQLiteJobStore, _ body: String) async throws -> [String] {
        let query = try JobQueryParser.parse(Array(body.utf8))
        let filters = store.reads.filters
        let filter = filters.whereClause(query, project: Fixture.projectA)
        return try await store.withConnection { db in
            var lines: [String] = []
            for sql: SQLQueryString in [
                "EXPLAIN QUERY PLAN " + filters.countQuery(query, project: Fixture.projectA),
                "EXPLAIN QUERY PLAN SELECT j.pk FROM jobs j " + filter + " " + JobFilterSQL.order + " LIMIT 10",
            ] {
                lines += try await db.raw(sql).all().map { try $0.decode(column: "detail", as: String.self) }
            }
            return lines
        }
    }

    /// Every filter of the contract is served by an index: no plan scans a table (names of 1-2 characters excepted,
    /// see the README). Plans are taken without ANALYZE statistics, as the server runs.
    @Test func noFilterScansTheJobsTable() async throws {
        try await Self.withFile { path in
            let seeding = try await SQLiteJobStore.open(path: path)
            try await seeding.createProject(id: Fixture.projectA, name: "A")
            try await seeding.importJobs(Fixture.tasksA, project: Fixture.projectA)
            await seeding.shutdown()
            let store = try await SQLiteJobStore.open(path: path)
            defer { Task { await store.shutdown() } }
            let bodies =
                Fixture.expectations.map(\.body).filter { !$0.contains(#""name":"_""#) && !$0.contains(#""name":"%""#) } + [
                    #"{"db_use_type":"sync","engine_type":"","name":"orders"}"#,
                    #"{"db_use_type":"sync","engine_type":"","status":"CONFIGURATION","net_type":"vpc"}"#,
                ]
            for body in bodies {
                let plan = try await Self.plans(store, body)
                // "SCAN <table>" reads a whole table; the trigram index shows as a virtual-table scan by MATCH.
                let scans = plan.filter { $0.hasPrefix("SCAN ") && !$0.contains("VIRTUAL TABLE INDEX") }
                #expect(scans.isEmpty, "\(body): \(plan)")
                if ProcessInfo.processInfo.environment["DRS_SHOW_PLANS"] != nil { print(body, plan) }
            }
        }
    }

    @Test func usesWriteAheadLogging() async throws {
        try await Self.withFile { path in
            let store = try await SQLiteJobStore.open(path: path)
            let mode = try await store.withConnection { db in
                try await db.raw("PRAGMA journal_mode").first(decodingColumn: "journal_mode", as: String.self)
            }
            #expect(mode == "wal")
            await store.shutdown()
        }
    }

    @Test func migrationsRunOnceAndAreRecorded() async throws {
        try await Self.withFile { path in
            for _ in 0..<2 {
                let store = try await SQLiteJobStore.open(path: path)
                let versions = try await store.withConnection { db in
                    try await db.raw("SELECT version FROM schema_migrations").all(decodingColumn: "version", as: Int.self)
                }
                #expect(versions == SQLiteSchema.migrations.map(\.version))
                await store.shutdown()
            }
        }
    }

    @Test func twoProcessesShareOneTokenSecret() async throws {
        try await Self.withFile { path in
            let first = try await SQLiteJobStore.open(path: path)
            let second = try await SQLiteJobStore.open(path: path)
            async let a = first.tokenSecret()
            async let b = second.tokenSecret()
            let (secretA, secretB) = try await (a, b)
            #expect(secretA == secretB)
            await first.shutdown()
            await second.shutdown()
        }
    }

    /// A database that stays locked past the busy timeout is "unavailable" (the API's 503), and the store
    /// recovers by itself once the lock is gone.
    @Test func lockedDatabaseIsUnavailableThenRecovers() async throws {
        try await Self.withFile { path in
            let store = try await SQLiteJobStore.open(path: path, busyTimeoutMilliseconds: 100)
            try await store.createProject(id: Fixture.projectA, name: "A")
            let locker = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await locker.query("BEGIN EXCLUSIVE")
            let query = JobQuery(dbUseType: .sync)
            await #expect {
                try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            } throws: { error in
                if case StoreError.unavailable = error { return true }
                return false
            }
            _ = try await locker.query("COMMIT")
            try await locker.close()
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            #expect(try await store.page(query, offset: 0, limit: 10, project: Fixture.projectA).total == 3)
            await store.shutdown()
        }
    }

    @Test func unopenableFileIsUnavailable() async throws {
        await #expect {
            _ = try await SQLiteJobStore.open(path: "/nonexistent-folder-\(UUID().uuidString)/drs.sqlite")
        } throws: { error in
            if case StoreError.unavailable = error { return true }
            return false
        }
    }
}
