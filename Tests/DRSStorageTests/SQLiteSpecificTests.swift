import DRSDomain
import DRSSQLite
import DRSTestSupport
import Foundation
import Logging
import Testing

@testable import DRSStorage

/// What only the SQLite store has: its query plans, WAL, locks, the statement cache, and the SQLite it links.
@Suite struct SQLiteSpecificTests {
    static func withFile<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drs-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder.appendingPathComponent("drs.sqlite").path)
    }

    /// A store on a file holding the fixture.
    static func withFixture<T: Sendable>(_ body: (SQLiteStore, String) async throws -> T) async throws -> T {
        try await withFile { path in
            let store = try await SQLiteStore.open(path: path, poolSize: 1)
            return try await store.serving {
                try await store.createProject(id: Fixture.projectA, name: "A")
                try await store.createProject(id: Fixture.projectB, name: "B")
                try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
                try await store.importJobs(Fixture.tasksB, project: Fixture.projectB)
                return try await body(store, path)
            }
        }
    }

    /// Every statement the store ran for the contract's filters is served by an index: no plan scans a table. The
    /// store has one connection, so its statement cache holds every statement it prepared.
    @Test func everyStatementOfEveryFilterUsesAnIndex() async throws {
        try await Self.withFixture { store, _ in
            let bodies =
                Fixture.expectations.map(\.body) + [
                    #"{"db_use_type":"sync","engine_type":"","status":"CONFIGURATION","net_type":"vpc","enterprise_project_id":"0"}"#,
                    #"{"db_use_type":"sync","engine_type":"mysql","tags":{"env":"prod","team":""},"instance_ip":"10.0.0.1","name":"orders"}"#,
                    #"{"db_use_type":"migration","instance_ids":["inst-1","inst-2"],"name":"a01,a05"}"#,
                ]
            for body in bodies {
                _ = try await TaskStoreContractTests.answer(store, body, project: Fixture.projectA)
            }
            let plans = try await store.read { db in
                try db.cachedStatements.map(\.sql).filter { $0.hasPrefix("SELECT") }.map { sql in
                    (
                        sql,
                        try db.withStatement("EXPLAIN QUERY PLAN " + sql) { statement in
                            var lines: [String] = []
                            while try statement.step() { lines.append(statement.text(3) ?? "") }
                            return lines
                        }
                    )
                }
            }
            #expect(plans.count > 10)
            for (sql, plan) in plans {
                // "SCAN <table>" reads a whole table; the name index shows as a virtual-table scan by MATCH.
                let scans = plan.filter { $0.hasPrefix("SCAN ") && !$0.contains("VIRTUAL TABLE INDEX") }
                #expect(scans.isEmpty, "\(sql): \(plan)")
                // Lists are read in key order from the index, never sorted afterwards.
                if sql.contains("ORDER BY pk") || sql.contains("ORDER BY rowid") {
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sql): \(plan)")
                }
            }
        }
    }

    /// The statement cache: the same queries run again prepare nothing, and SQLite does not prepare a cached statement
    /// again by itself. (It does once, at a statement's first run with bound values; never after.) A cursor let go of
    /// late on a pool thread, after the connection had moved on, showed here as statements prepared again.
    @Test func aStatementIsPreparedOncePerConnection() async throws {
        try await Self.withFixture { store, _ in
            let bodies = [
                #"{"db_use_type":"sync","engine_type":"","per_page":2,"cur_page":2}"#, #"{"db_use_type":"sync","tags":{"env":"prod"}}"#,
                #"{"db_use_type":"sync","engine_type":"","name":"orders"}"#, #"{"db_use_type":"sync","engine_type":"","cur_page":0}"#,
                #"{"db_use_type":"sync","engine_type":"","name":"a01,a04"}"#,
            ]
            func counts() async throws -> (prepared: Int, reprepared: Int32, runs: Int32) {
                try await store.read { db in
                    (db.preparedCount, db.cachedStatements.map(\.reprepareCount).reduce(0, +), db.cachedStatements.map(\.runCount).reduce(0, +))
                }
            }
            for body in bodies { _ = try await TaskStoreContractTests.answer(store, body, project: Fixture.projectA) }
            let warm = try await counts()
            for _ in 0..<20 {
                for body in bodies { _ = try await TaskStoreContractTests.answer(store, body, project: Fixture.projectA) }
            }
            let after = try await counts()
            #expect(after.runs > warm.runs + 100)
            #expect(after.prepared == warm.prepared)
            #expect(after.reprepared == warm.reprepared)
        }
    }

    @Test func usesWriteAheadLogging() async throws {
        try await Self.withFile { path in
            let store = try await SQLiteStore.open(path: path)
            let mode = try await store.read { db in try db.withStatement("PRAGMA journal_mode") { try $0.step() ? $0.text(0) : nil } }
            #expect(mode == "wal")
            // Freed pages are not zeroed on their own (FAST: 2), and the file is not memory-mapped (mapped pages
            // would count in the resident memory that a streamed answer must not grow).
            let settings = try await store.read { db in
                try ["secure_delete", "mmap_size"].map { name in try db.withStatement("PRAGMA \(name)") { try $0.step() ? $0.int64(0) : -1 } }
            }
            #expect(settings == [2, 0])
            // The name index writes segments of up to 8 MiB of entries (an import wrote dozens of 1 MiB ones).
            let hashSize = try await store.read { db in
                try db.withStatement("SELECT v FROM task_names_config WHERE k = 'hashsize'") { try $0.step() ? $0.int64(0) : nil }
            }
            #expect(hashSize == 8_388_608)
            await store.close()
        }
    }

    @Test func migrationsRunOnceAndAreRecorded() async throws {
        try await Self.withFile { path in
            for _ in 0..<2 {
                let store = try await SQLiteStore.open(path: path)
                let versions = try await store.read { db in
                    try db.withStatement("SELECT version FROM schema_migrations ORDER BY version") { statement in
                        var versions: [Int] = []
                        while try statement.step() { versions.append(statement.int(0)) }
                        return versions
                    }
                }
                #expect(versions == Schema.migrations.map(\.version))
                await store.close()
            }
        }
    }

    @Test func twoProcessesShareOneTokenSecret() async throws {
        try await Self.withFile { path in
            let first = try await SQLiteStore.open(path: path)
            let second = try await SQLiteStore.open(path: path)
            async let a = first.tokenSecret()
            async let b = second.tokenSecret()
            let (secretA, secretB) = try await (a, b)
            #expect(secretA == secretB)
            await first.close()
            await second.close()
        }
    }

    /// A connection keeps the facet chunks it read while the database is unchanged (ConnectionFacets); a change by
    /// another process (another store on the file) or by the connection itself shows in the next total.
    @Test func facetTotalsFollowEveryWriter() async throws {
        try await Self.withFile { path in
            let reader = try await SQLiteStore.open(path: path, poolSize: 1)
            let writer = try await SQLiteStore.open(path: path, poolSize: 1)
            try await writer.createProject(id: Fixture.projectA, name: "A")
            func task(_ number: Int, tagged: Bool = true) -> JobRecord {
                Fixture.job("t\(number)", "task \(number)", .sync, .mysql, .configuration, "2021-01-0\(number) 00:00:00") {
                    if tagged { $0.tags = [.init(key: "env", value: "prod")] }
                }
            }
            let body = #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"}}"#
            func total() async throws -> Int { try await TaskStoreContractTests.answer(reader, body, project: Fixture.projectA).total }
            try await writer.importJobs([task(1), task(2)], project: Fixture.projectA)
            #expect(try await total() == 2)
            #expect(try await total() == 2)
            try await writer.importJobs([task(3)], project: Fixture.projectA)
            #expect(try await total() == 3)
            try await reader.importJobs([task(4)], project: Fixture.projectA)
            #expect(try await total() == 4)
            try await writer.importJobs([task(1, tagged: false)], project: Fixture.projectA)
            #expect(try await total() == 3)
            await reader.close()
            await writer.close()
        }
    }

    /// A database that stays locked past the busy timeout is "unavailable" (the API's 503), and the store recovers by
    /// itself once the lock is gone; a lock released within the timeout only delays the write.
    @Test func lockedDatabaseIsUnavailableThenRecovers() async throws {
        try await Self.withFile { path in
            let store = try await SQLiteStore.open(path: path, busyTimeout: .seconds(1))
            try await store.createProject(id: Fixture.projectA, name: "A")
            let locker = try SQLiteConnection(path: path)
            try locker.execute("BEGIN EXCLUSIVE")
            await #expect {
                try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            } throws: { error in
                if case StoreError.unavailable = error { return true }
                return false
            }
            try locker.execute("COMMIT")
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            #expect(try await store.count(JobQuery(dbUseType: .sync), project: Fixture.projectA) == 3)

            // Held for less than the timeout: the write waits (asleep, not on a thread) and succeeds.
            try locker.execute("BEGIN EXCLUSIVE")
            async let write: Void = store.importJobs([Fixture.tasksA[0]], project: Fixture.projectA)
            try await Task.sleep(for: .milliseconds(50))
            try locker.execute("COMMIT")
            try await write
            await store.close()
        }
    }

    @Test func unopenableFileIsUnavailable() async throws {
        await #expect {
            _ = try await SQLiteStore.open(path: "/nonexistent-folder-\(UUID().uuidString)/drs.sqlite")
        } throws: { error in
            if case StoreError.unavailable = error { return true }
            return false
        }
    }

    /// The SQLite drs links (the copy sqlite-nio bundles, pinned to a minor version in Package.swift) and what drs relies
    /// on: FTS5 with contentless-delete tables and custom tokenizers, JSON functions, window functions, row values,
    /// partial indexes and WITHOUT ROWID tables.
    @Test func theSQLiteDrsLinks() throws {
        let version = SQLiteLibrary.version.split(separator: ".").compactMap { Int($0) }
        #expect(version.count == 3 && version[0] == 3 && version[1] >= 54, "\(SQLiteLibrary.version)")
        #expect(SQLiteLibrary.hasCompileOption("ENABLE_FTS5"))
        #expect(SQLiteLibrary.isThreadSafe)
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute(
            """
            CREATE VIRTUAL TABLE names USING fts5(doc, content='', contentless_delete=1, tokenize='drs_trigram');
            CREATE TABLE t (a INTEGER, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE INDEX t_b ON t (b, a) WHERE b IS NOT NULL;
            INSERT INTO t VALUES (1, 'x'), (2, 'y');
            INSERT INTO names (rowid, doc) VALUES (7, '1.2|orders-k042');
            DELETE FROM names WHERE rowid = 7;
            INSERT INTO names (rowid, doc) VALUES (8, '1.2|Größe');
            """
        )
        func value(_ sql: String) throws -> String? { try db.withStatement(sql) { try $0.step() ? $0.text(0) : nil } }
        #expect(try value("SELECT json_extract('{\"a\":[1,2]}', '$.a[1]')") == "2")
        #expect(try value("SELECT sum(a) OVER () FROM t") == "3")
        #expect(try value("SELECT count(*) FROM t WHERE (a, b) <= (1, 'x')") == "1")
        #expect(try value("SELECT rowid FROM names WHERE names MATCH '\"1.2|rö\" *'") == "8")
        #expect(try value("SELECT count(*) FROM names WHERE names MATCH '\"1.2|k042\"'") == "0")
    }
}
