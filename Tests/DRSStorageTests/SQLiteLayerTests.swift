import Foundation
import Testing
import VaporCSQLite

@testable import DRSSQLite
@testable import DRSStorage

/// drs's own layer over SQLite: the pool's waits, timeouts and cancellation; errors decided by result code; the name
/// tokenizer.
@Suite struct SQLiteLayerTests {
    static func pool(size: Int, timeout: Duration) -> SQLitePool {
        SQLitePool(.init(path: ":memory:", size: size, acquireTimeout: timeout))
    }

    @Test func aWaiterGetsTheNextFreeConnection() async throws {
        let pool = Self.pool(size: 1, timeout: .seconds(5))
        let first = try await pool.acquire()
        async let second = pool.acquire()
        try await Task.sleep(for: .milliseconds(50))
        #expect(pool.counts.waiting == 1)
        pool.release(first)
        let connection = try await second
        #expect(connection === first)
        pool.release(connection)
        await pool.close()
    }

    @Test func aWaitTimesOut() async throws {
        let pool = Self.pool(size: 1, timeout: .milliseconds(100))
        let held = try await pool.acquire()
        let started = ContinuousClock.now
        await #expect(throws: SQLitePoolError.timedOut(.milliseconds(100))) { _ = try await pool.acquire() }
        #expect(ContinuousClock.now - started >= .milliseconds(90))
        #expect(pool.timeouts == 1 && pool.counts.waiting == 0)
        // The pool still works.
        pool.release(held)
        pool.release(try await pool.acquire())
        await pool.close()
    }

    @Test func aCancelledWaitLeavesThePoolWorking() async throws {
        let pool = Self.pool(size: 1, timeout: .seconds(30))
        let held = try await pool.acquire()
        let waiting = Task { try await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(pool.counts.waiting == 0)
        pool.release(held)
        // The freed connection went to the idle list, not to the cancelled waiter.
        #expect(pool.counts.idle == 1)
        pool.release(try await pool.acquire())
        await pool.close()
    }

    @Test func aClosedPoolRefusesAndFailsItsWaiters() async throws {
        let pool = Self.pool(size: 1, timeout: .seconds(30))
        let held = try await pool.acquire()
        let waiting = Task { try await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        await pool.close()
        await #expect(throws: SQLitePoolError.closed) { _ = try await waiting.value }
        await #expect(throws: SQLitePoolError.closed) { _ = try await pool.acquire() }
        pool.release(held)
    }

    /// Errors are told apart by result code; the message plays no part.
    @Test func errorsAreMappedByResultCode() throws {
        for code in [SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_NOTADB, SQLITE_CORRUPT] {
            let error = SQLiteError(code: code | (3 << 8), message: "constraint failed: UNIQUE")
            #expect(error.isUnavailable, "\(code)")
            guard case StoreError.unavailable = SQLiteStore.map(error) else {
                Issue.record("\(code) not unavailable")
                continue
            }
        }
        for code in [SQLITE_ERROR, SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_RANGE] {
            let error = SQLiteError(code: code, message: "database is locked")
            #expect(!error.isUnavailable, "\(code)")
            #expect(SQLiteStore.map(error) is SQLiteError)
        }
        // Real errors carry their extended codes.
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE); INSERT INTO t VALUES (1, 'x')")
        func failure(_ sql: String) -> SQLiteError? {
            do {
                try db.execute(sql)
                return nil
            } catch {
                return error
            }
        }
        let taken = try #require(failure("INSERT INTO t VALUES (1, 'y')"))
        #expect(taken.isPrimaryKeyViolation && taken.isUniqueViolation && !taken.isUnavailable)
        let duplicate = try #require(failure("INSERT INTO t VALUES (2, 'x')"))
        #expect(!duplicate.isPrimaryKeyViolation && duplicate.isUniqueViolation)
        #expect(failure("SELECT * FROM missing")?.primaryCode == SQLITE_ERROR)
    }

    /// Plans never depend on bound values, so no statement is prepared again when a value changes. (SQLite otherwise
    /// prepares a statement again when a value compared with `=` changes to or from 0 or 1: FTS5's own statement that
    /// finds a term in a segment did so for the segments of every name search.)
    @Test func boundValuesNeverPrepareAStatementAgain() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.execute("CREATE VIRTUAL TABLE f USING fts5(doc)")
        // One segment per transaction, numbered from 1.
        for segment in 0..<6 {
            try db.execute("INSERT INTO f (rowid, doc) VALUES (\(segment * 10 + 1), 'alpha beta'), (\(segment * 10 + 2), 'gamma')")
        }
        func search() throws -> Int {
            try db.withStatement("SELECT count(*) FROM f WHERE f MATCH ?1") { statement in
                statement.bind(1, "beta")
                return try statement.step() ? statement.int(0) : -1
            }
        }
        // Every statement of the connection, FTS5's own included.
        func reprepared() -> Int32 {
            var total: Int32 = 0
            var statement = sqlite_nio_sqlite3_next_stmt(db.handle, nil)
            while let current = statement {
                total += sqlite_nio_sqlite3_stmt_status(current, SQLITE_STMTSTATUS_REPREPARE, 0)
                statement = sqlite_nio_sqlite3_next_stmt(db.handle, current)
            }
            return total
        }
        #expect(try search() == 6)
        let first = reprepared()
        for _ in 0..<5 { #expect(try search() == 6) }
        #expect(reprepared() == first)
    }

    static func tokens(_ text: String, query: Bool = false, prefix: Bool = false) -> [String] {
        var tokens: [String] = []
        var text = text
        _ = text.withUTF8 { bytes in
            TrigramTokenizer.tokens(of: UnsafeRawBufferPointer(bytes), isQuery: query, isPrefix: prefix) { token, _, _ in
                tokens.append(String(decoding: token.map { $0 == 0xFF ? UInt8(ascii: "$") : $0 }, as: UTF8.self))
                return SQLITE_OK
            }
        }
        return tokens
    }

    @Test func theTokenizerScopesEveryToken() {
        #expect(Self.tokens("7.2|abcd") == ["7.2|abc", "7.2|bcd", "7.2|cd$", "7.2|d$$"])
        #expect(Self.tokens("7.2|ab") == ["7.2|ab$", "7.2|b$$"])
        #expect(Self.tokens("7.2|größe") == ["7.2|grö", "7.2|röß", "7.2|öße", "7.2|ße$", "7.2|e$$"])
        #expect(Self.tokens("7.2|a|b") == ["7.2|a|b", "7.2||b$", "7.2|b$$"])
        #expect(Self.tokens("7.2|k042", query: true) == ["7.2|k04", "7.2|042"])
        #expect(Self.tokens("7.2|ab", query: true, prefix: true) == ["7.2|ab"])
        #expect(Self.tokens("no scope").isEmpty)
    }
}
