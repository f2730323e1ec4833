import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A statement with its bound values. Fragments are appended with their values interpolated as `\(bind: value)`,
/// which become `$1`, `$2`, … in order; `\(raw: text)` inserts SQL text.
struct PostgresStatement: Sendable {
    private(set) var sql = ""
    private(set) var bindings = PostgresBindings()
    private var count = 0

    init(_ fragment: Fragment = "") {
        append(fragment)
    }

    /// SQL text without values.
    init(sql: String) {
        self.sql = sql
    }

    mutating func append(_ fragment: Fragment) {
        for (index, text) in fragment.texts.enumerated() {
            sql += text
            guard index < fragment.binders.count else { continue }
            fragment.binders[index](&bindings)
            count += 1
            sql += "$\(count)"
        }
    }

    static func += (statement: inout PostgresStatement, fragment: Fragment) {
        statement.append(fragment)
    }

    /// SQL text with values to bind in it.
    struct Fragment: ExpressibleByStringInterpolation, Sendable {
        fileprivate var texts: [String] = [""]
        fileprivate var binders: [@Sendable (inout PostgresBindings) -> Void] = []

        init(stringLiteral value: String) {
            texts = [value]
        }

        init(stringInterpolation: StringInterpolation) {
            self = stringInterpolation.fragment
        }

        struct StringInterpolation: StringInterpolationProtocol {
            fileprivate var fragment = Fragment(stringLiteral: "")

            init(literalCapacity: Int, interpolationCount: Int) {}

            mutating func appendLiteral(_ literal: String) {
                fragment.texts[fragment.texts.count - 1] += literal
            }

            /// A value to bind. (No optionals: a prepared statement's parameter types are fixed by its first run, and an
            /// untyped NULL there would fix the wrong one; NULLs are written with NULLIF and a stand-in value.)
            mutating func appendInterpolation<Value: PostgresNonThrowingEncodable & Sendable>(bind value: Value) {
                fragment.binders.append { $0.append(value) }
                fragment.texts.append("")
            }

            mutating func appendInterpolation(raw text: String) {
                fragment.texts[fragment.texts.count - 1] += text
            }
        }
    }
}

/// Runs statements as named prepared statements: each connection parses and analyzes a statement once, then only
/// binds and executes it (one round trip).
///
/// postgres-nio prepares statements per connection through ``PostgresPreparedStatement`` types, whose SQL is static.
/// drs's SQL depends on a query's filters, so each distinct SQL text gets a number, and the number a type of its own:
/// `Bit1<Bit0<One>>` is 5 (binary 101), built at run time by ``slotType(_:)``. The type's static SQL is the text that
/// number stands for.
enum PreparedStatements {
    private struct Registry {
        var numbers: [String: Int] = [:]
        var texts: [Int: String] = [:]
    }

    private static let registry = Mutex(Registry())
    /// Distinct statements at most; later ones run unnamed (parsed on every run), so that memory stays bounded.
    static let limit = 4_096
    /// Statements run by this process (`drs_db_statements_total`).
    static let executed = Atomic<Int>(0)

    /// Runs `statement` on `connection`, handing each row to `body` as it arrives (the server's sending is paced by how
    /// fast `body` takes them).
    static func forEachRow(
        _ statement: PostgresStatement,
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresRow) async throws -> Void
    ) async throws {
        executed.add(1, ordering: .relaxed)
        // postgres-nio (1.33) writes a statement to the connection's channel without a promise: written after the
        // channel closed (the server went away while the connection was leased), it is dropped and its answer never
        // comes. A closed connection is refused here instead, which leaves a window of microseconds, not of a lease.
        guard !connection.isClosed else { throw StoreError.unavailable("PostgreSQL connection closed") }
        guard let number = number(of: statement.sql) else {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: statement.bindings), logger: logger)
            for try await row in rows { try await body(row) }
            return
        }
        try await execute(slotType(number), statement.bindings, connection, logger, body)
    }

    /// Runs `statement` for its effect.
    static func run(_ statement: PostgresStatement, on connection: PostgresConnection, logger: Logger) async throws {
        try await forEachRow(statement, on: connection, logger: logger) { _ in }
    }

    /// Every row of `statement`.
    static func all(_ statement: PostgresStatement, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        try await forEachRow(statement, on: connection, logger: logger) { rows.append($0) }
        return rows
    }

    private static func execute<Slot: SlotNumber>(
        _ slot: Slot.Type,
        _ bindings: PostgresBindings,
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ body: (PostgresRow) async throws -> Void
    ) async throws {
        for try await row in try await connection.execute(Prepared<Slot>(bindings: bindings), logger: logger) { try await body(row) }
    }

    static func number(of sql: String) -> Int? {
        registry.withLock { registry in
            if let number = registry.numbers[sql] { return number }
            guard registry.numbers.count < limit else { return nil }
            let number = registry.numbers.count + 1
            registry.numbers[sql] = number
            registry.texts[number] = sql
            return number
        }
    }

    static func text(of number: Int) -> String {
        registry.withLock { $0.texts[number] ?? "" }
    }

    /// The type that stands for `number` (1 or more).
    static func slotType(_ number: Int) -> any SlotNumber.Type {
        guard number > 1 else { return One.self }
        let rest = slotType(number / 2)
        return number % 2 == 0 ? appendingZero(rest) : appendingOne(rest)
    }

    private static func appendingZero<Rest: SlotNumber>(_ rest: Rest.Type) -> any SlotNumber.Type { Bit0<Rest>.self }
    private static func appendingOne<Rest: SlotNumber>(_ rest: Rest.Type) -> any SlotNumber.Type { Bit1<Rest>.self }
}

/// A positive number spelled as a type, most significant binary digit innermost.
protocol SlotNumber {
    static var number: Int { get }
}

enum One: SlotNumber {
    static var number: Int { 1 }
}

enum Bit0<Rest: SlotNumber>: SlotNumber {
    static var number: Int { Rest.number * 2 }
}

enum Bit1<Rest: SlotNumber>: SlotNumber {
    static var number: Int { Rest.number * 2 + 1 }
}

/// The prepared statement registered as `Slot.number`.
struct Prepared<Slot: SlotNumber>: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static var name: String { "drs_\(Slot.number)" }
    static var sql: String { PreparedStatements.text(of: Slot.number) }

    var bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
