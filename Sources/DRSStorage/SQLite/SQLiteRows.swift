import DRSDomain
import DRSSQLite

/// The columns of a task row, in the order ``SQLiteRowCursor`` reads them.
enum SQLiteTaskColumns {
    static let list = """
        created_ms, id, name, status, description, error_msg, engine, net, billing_tag, direction, scenario, task_type, \
        node_new_framework, charging, current_action, eps, child_count, pk, parent_pk
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
final class SQLiteRowCursor: TaskRowCursor, SQLiteTaskRow {
    private let connection: SQLiteConnection
    private let taskStatement: SQLiteStatement
    private let childStatement: SQLiteStatement
    /// The next key to read, or nil at the end (of the answer or of a batch).
    private let nextKey: () throws -> Int64?
    private(set) var row: SQLiteStatement
    private var inChildren = false

    init(_ connection: SQLiteConnection, nextKey: @escaping () throws -> Int64?) throws {
        self.connection = connection
        self.taskStatement = try connection.lend("SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE pk = ?1")
        self.childStatement = try connection.lend(
            "SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE parent_pk = ?1 ORDER BY created_ms, id"
        )
        self.nextKey = nextKey
        self.row = taskStatement
    }

    /// Rows of the tasks with these keys, in this order.
    convenience init(_ connection: SQLiteConnection, keys: [Int64]) throws {
        var iterator = keys.makeIterator()
        try self.init(connection) { iterator.next() }
    }

    deinit {
        connection.giveBack(taskStatement)
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
        while let key = try nextKey() {
            taskStatement.reset()
            taskStatement.bind(1, key)
            // A key from an index always has its row within the same read transaction.
            guard try taskStatement.step() else { throw StoreError.corrupt("no task with key \(key)") }
            row = taskStatement
            if taskStatement.int(SQLiteTaskColumns.childCount) > 0 {
                childStatement.reset()
                childStatement.bind(1, key)
                inChildren = true
            }
            return .task
        }
        return nil
    }

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
    var hasErrorMessage: Bool { !row.isNull(SQLiteTaskColumns.column(.errorMessage)) }
    func code(_ column: TaskCode) -> Int {
        let index = SQLiteTaskColumns.column(column)
        return row.isNull(index) ? -1 : row.int(index)
    }
    var billingTag: Bool { row.int(8) != 0 }
    var nodeNewFramework: Bool { row.int(12) != 0 }
}
