import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// A pooled SQLite connection seen as an `SQLDatabase` (for the shared SQL) that can also run a statement through
/// SQLiteNIO directly and hand back its rows without SQLKit's `Decodable` layer (``rows(_:)``).
struct SQLiteSession: SQLDatabase {
    let connection: SQLiteConnection
    let database: any SQLDatabase

    init(_ connection: SQLiteConnection) {
        self.connection = connection
        // No SQL logging: bound values include secrets (the token secret, secret keys).
        self.database = connection.sql(queryLogLevel: nil)
    }

    var logger: Logger { database.logger }
    var eventLoop: any EventLoop { database.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { database.version }
    var dialect: any SQLDialect { database.dialect }
    var queryLogLevel: Logger.Level? { database.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        database.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await database.execute(sql: query, onRow)
    }

    /// The rows of `statement`, read straight from the driver.
    func rows(_ statement: SQLQueryString) async throws -> [SQLiteRow] {
        let (sql, binds) = database.serialize(statement)
        return try await connection.query(sql, try binds.map(Self.sqliteData))
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
