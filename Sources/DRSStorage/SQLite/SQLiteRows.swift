import DRSDomain
import DRSSQLite

/// The columns of a task row, in the order ``SQLiteRowCursor`` reads them.
enum SQLiteTaskColumns {
    static let list = """
        created_ms, id, name, status, description, error_msg, engine, net, billing_tag, direction, scenario, task_type, \
        node_new_framework, charging, current_action, eps, child_count, pk, parent_pk, source_id, source_ip, target_id, target_ip
        """
    static let childCount: Int32 = 16
    static let key: Int32 = 17
    static let parentKey: Int32 = 18

    static func column(_ text: TaskText) -> Int32 {
        switch text {
        case .id: return 1
        case .name: return 2
        case .description: return 4
        case .errorMessage: return 5
        case .enterpriseProjectID: return 15
        case .sourceID: return 19
        case .sourceIP: return 20
        case .targetID: return 21
        case .targetIP: return 22
        }
    }

    static func column(_ code: TaskCode) -> Int32 {
        switch code {
        case .status: return 3
        case .engine: return 6
        case .net: return 7
        case .direction: return 9
        case .use: return 10
        case .taskType: return 11
        case .charging: return 13
        case .currentAction: return 14
        }
    }
}

/// Rows of tasks by key, each followed by its subtasks, read straight from SQLite's buffers.
///
/// Keys that come in key order are read with one `pk IN (…)` statement per batch, which SQLite walks in key order;
/// others (tasks of one millisecond put in ID order) one statement per task.
final class SQLiteRowCursor: TaskRowCursor, SQLiteTaskRow {
    private let connection: SQLiteConnection
    private let childStatement: SQLiteStatement
    /// The next batch of keys to read, in answer order; empty at the end (of the answer or of a streamed batch).
    private let nextKeys: () throws -> [Int64]
    private var batch: SQLiteStatement?
    private(set) var row: SQLiteStatement
    private var inChildren = false

    init(_ connection: SQLiteConnection, nextKeys: @escaping () throws -> [Int64]) throws {
        self.connection = connection
        self.childStatement = try connection.lend(Self.children)
        self.nextKeys = nextKeys
        self.row = childStatement
    }

    /// Rows of the tasks with these keys, in this order.
    convenience init(_ connection: SQLiteConnection, keys: [Int64]) throws {
        var pending = keys.isEmpty ? [] : [keys]
        try self.init(connection) { pending.popLast() ?? [] }
    }

    deinit {
        if let batch { connection.giveBack(batch) }
        connection.giveBack(childStatement)
    }

    func next() throws -> TaskRowKind? {
        if inChildren {
            if try childStatement.step() {
                row = childStatement
                return .child
            }
            inChildren = false
        }
        while true {
            if let batch, try batch.step() {
                row = batch
                if batch.int(SQLiteTaskColumns.childCount) > 0 {
                    childStatement.reset()
                    childStatement.bind(1, batch.int64(SQLiteTaskColumns.key))
                    inChildren = true
                }
                return .task
            }
            guard try startBatch() else { return nil }
        }
    }

    /// Starts the statement of the next keys; false at the end.
    private func startBatch() throws -> Bool {
        if let batch {
            connection.giveBack(batch)
            self.batch = nil
        }
        var keys = pending.isEmpty ? try nextKeys() : pending
        pending = []
        guard !keys.isEmpty else { return false }
        // One statement reads keys in key order: the longest run of them (a millisecond's tasks put in ID order end a
        // run), at most 100.
        var end = 1
        while end < min(keys.count, 100), keys[end - 1] < keys[end] { end += 1 }
        if end < keys.count {
            pending = Array(keys[end...])
            keys = Array(keys[..<end])
        }
        let size = Self.batchSize(keys.count)
        let statement = try connection.lend(Self.sql(size))
        for index in 0..<size { statement.bind(Int32(index + 1), keys[min(index, keys.count - 1)]) }
        batch = statement
        return true
    }

    /// Keys not read yet of the last batch.
    private var pending: [Int64] = []

    /// Statement sizes: exact up to 10, then multiples of 10 (extra places repeat the last key, which IN ignores).
    static func batchSize(_ count: Int) -> Int { count <= 10 ? count : (count + 9) / 10 * 10 }

    static func sql(_ size: Int) -> SQL { sqlBySize[size] }

    private static let sqlBySize: [SQL] = (0...100).map { size in
        SQL("SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE pk IN (\((1...max(size, 1)).map { "?\($0)" }.joined(separator: ", "))) ORDER BY pk")
    }
    /// A task's subtasks in answer order (also the writer's, so one statement per connection).
    static let children = SQL("SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE parent_pk = ?1 ORDER BY created_ms, id")
}

/// A task row held by a statement positioned on it (columns in ``SQLiteTaskColumns/list`` order).
protocol SQLiteTaskRow: TaskRowView {
    var row: SQLiteStatement { get }
}

extension SQLiteTaskRow {
    /// The current row's key and its parent's.
    var key: Int64 { row.int64(SQLiteTaskColumns.key) }
    var parentKey: Int64? { row.optionalInt64(SQLiteTaskColumns.parentKey) }

    var createTime: Int64 { row.int64(0) }
    func text(_ column: TaskText) -> UnsafeRawBufferPointer { row.bytes(SQLiteTaskColumns.column(column)) }
    func isNull(_ column: TaskText) -> Bool { row.isNull(SQLiteTaskColumns.column(column)) }
    func code(_ column: TaskCode) -> Int {
        let index = SQLiteTaskColumns.column(column)
        // Only current_action may be NULL.
        return column == .currentAction && row.isNull(index) ? -1 : row.int(index)
    }
    var billingTag: Bool { row.int(8) != 0 }
    var nodeNewFramework: Bool { row.int(12) != 0 }
}
