import VaporCSQLite

/// An error reported by SQLite: its extended result code and message.
///
/// Callers decide what an error means by its result code, never by its message text.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY_SNAPSHOT`, …).
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The primary result code (the low 8 bits of the extended one).
    public var primaryCode: Int32 { code & 0xFF }

    /// The database cannot be used right now: locked, busy, unreadable, read-only, full, missing, or not a database.
    /// The same operation may succeed later, or after an operator's fix; it is never the caller's fault.
    public var isUnavailable: Bool {
        switch primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_NOTADB,
            SQLITE_CORRUPT, SQLITE_NOMEM, SQLITE_PROTOCOL, SQLITE_INTERRUPT, SQLITE_PERM, SQLITE_AUTH, SQLITE_NOLFS:
            return true
        default:
            return false
        }
    }

    /// A PRIMARY KEY constraint refused a row (the key is taken).
    public var isPrimaryKeyViolation: Bool { code == Self.constraintPrimaryKey }

    /// A UNIQUE or PRIMARY KEY constraint refused a row.
    public var isUniqueViolation: Bool {
        code == Self.constraintUnique || code == Self.constraintPrimaryKey
    }

    // Extended result codes are macros that Swift does not import.
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)

    public var description: String { "SQLite error \(code): \(message)" }

    /// The error of the last failed call on `handle`.
    static func last(_ handle: OpaquePointer?, code: Int32) -> SQLiteError {
        let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite_nio_sqlite3_errstr(code))
        let extended = handle.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? code
        return SQLiteError(code: (extended & 0xFF) == (code & 0xFF) ? extended : code, message: message)
    }
}

/// The version and compile options of the SQLite that drs links (the copy bundled with sqlite-nio).
public enum SQLiteLibrary {
    /// `3.54.1`, for example.
    public static var version: String { String(cString: sqlite_nio_sqlite3_libversion()) }

    /// Whether SQLite was compiled with `option` (without the `SQLITE_` prefix), e.g. `ENABLE_FTS5`.
    public static func hasCompileOption(_ option: String) -> Bool {
        sqlite_nio_sqlite3_compileoption_used(option) != 0
    }

    /// Whether the library serializes calls itself (`SQLITE_THREADSAFE` 1 or 2): then connections opened with
    /// `SQLITE_OPEN_NOMUTEX` may be used from any thread, one at a time.
    public static var isThreadSafe: Bool { sqlite_nio_sqlite3_threadsafe() != 0 }
}
