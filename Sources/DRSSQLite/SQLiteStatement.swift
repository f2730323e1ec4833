import VaporCSQLite

/// A prepared statement. Bind every parameter, step, read columns; ``SQLiteConnection`` keeps it for reuse.
///
/// Not thread-safe: it belongs to its connection, which one thread uses at a time.
public final class SQLiteStatement {
    let handle: OpaquePointer
    /// The SQL text; the connection's cache key.
    public let sql: String
    /// Set while a cached statement is lent out, so that a nested use of the same SQL gets a fresh statement.
    var isLent = false
    let isCached: Bool

    init(handle: OpaquePointer, sql: String, isCached: Bool) {
        self.handle = handle
        self.sql = sql
        self.isCached = isCached
    }

    deinit {
        sqlite_nio_sqlite3_finalize(handle)
    }

    // MARK: Binding (parameters are numbered from 1)

    /// Never `sqlite3_clear_bindings` a cached statement: SQLite 3.54 then prepares a statement with ORDER BY … LIMIT
    /// again on every run (../shared/design/sqlite-fast-path.md). Every parameter is bound before every run instead.
    public func bind(_ index: Int32, _ value: Int64) {
        sqlite_nio_sqlite3_bind_int64(handle, index, value)
    }

    public func bind(_ index: Int32, _ value: Int) {
        sqlite_nio_sqlite3_bind_int64(handle, index, Int64(value))
    }

    public func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { bind(index, bytes: UnsafeRawBufferPointer($0)) }
    }

    public func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { bindNull(index) }
    }

    public func bind(_ index: Int32, _ value: Int64?) {
        if let value { bind(index, value) } else { bindNull(index) }
    }

    /// Binds UTF-8 bytes as text (an empty buffer binds the empty string, not NULL).
    public func bind(_ index: Int32, bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            sqlite_nio_sqlite3_bind_text64(handle, index, Self.emptyPointer, 0, nil, UInt8(SQLITE_UTF8))
            return
        }
        sqlite_nio_sqlite3_bind_text64(
            handle,
            index,
            base.assumingMemoryBound(to: CChar.self),
            UInt64(bytes.count),
            sqliteTransient,
            UInt8(SQLITE_UTF8)
        )
    }

    /// Binds bytes as a blob (an empty buffer binds an empty blob, not NULL).
    public func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bytes in
            _ = sqlite_nio_sqlite3_bind_blob64(
                handle,
                index,
                bytes.baseAddress ?? UnsafeRawPointer(Self.emptyPointer),
                UInt64(bytes.count),
                sqliteTransient
            )
        }
    }

    private static let empty: StaticString = ""
    private static var emptyPointer: UnsafePointer<CChar> { UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self) }

    public func bindNull(_ index: Int32) {
        sqlite_nio_sqlite3_bind_null(handle, index)
    }

    /// The number of parameters the statement takes.
    public var parameterCount: Int32 { sqlite_nio_sqlite3_bind_parameter_count(handle) }

    // MARK: Running

    /// Runs to the next row: true when a row is ready to read, false when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        switch sqlite_nio_sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = SQLiteError.last(sqlite_nio_sqlite3_db_handle(handle), code: code)
            sqlite_nio_sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs a statement that returns no rows (or whose rows are not needed) to completion.
    public func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Ends the current run (and the read it holds); bindings stay.
    public func reset() {
        sqlite_nio_sqlite3_reset(handle)
    }

    /// How many times SQLite prepared this statement again by itself (a schema change, or a bound value that the plan
    /// depends on). The statement cache is only worth its name when this stays 0.
    public var reprepareCount: Int32 {
        sqlite_nio_sqlite3_stmt_status(handle, Int32(SQLITE_STMTSTATUS_REPREPARE), 0)
    }

    /// How many times this statement ran to completion or was reset since it was prepared.
    public var runCount: Int32 {
        sqlite_nio_sqlite3_stmt_status(handle, Int32(SQLITE_STMTSTATUS_RUN), 0)
    }

    // MARK: Columns of the current row (numbered from 0)

    public func int64(_ column: Int32) -> Int64 {
        sqlite_nio_sqlite3_column_int64(handle, column)
    }

    public func int(_ column: Int32) -> Int {
        Int(sqlite_nio_sqlite3_column_int64(handle, column))
    }

    public func isNull(_ column: Int32) -> Bool {
        sqlite_nio_sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The column as text, or nil when it is NULL.
    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite_nio_sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    /// The column's UTF-8 bytes, valid until the next `step`, `reset` or column call that converts this column.
    /// Empty for NULL.
    public func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite_nio_sqlite3_column_text(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite_nio_sqlite3_column_bytes(handle, column)))
    }

    /// The column's bytes as a blob, valid until the next `step` or `reset`. Empty for NULL.
    public func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite_nio_sqlite3_column_blob(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite_nio_sqlite3_column_bytes(handle, column)))
    }

    public var columnCount: Int32 { sqlite_nio_sqlite3_column_count(handle) }

    public func columnName(_ column: Int32) -> String {
        sqlite_nio_sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
    }
}

/// SQLite copies the bytes of a value bound with this destructor.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
