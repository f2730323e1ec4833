import DRSDomain
import PostgresNIO

/// The columns of a task row, in the order ``PostgresRowCursor`` reads them (after any leading columns).
enum PostgresTaskColumns {
    /// The task columns of table alias `alias`, in the order the cursor reads them.
    static func list(_ alias: String) -> String {
        alias == "t" ? ofT : make(alias)
    }

    /// Built once: every request's statement names them.
    private static let ofT = make("t")

    private static func make(_ alias: String) -> String {
        [
            "created_ms", "id", "name", "status", "description", "error_msg", "engine", "net", "billing_tag", "direction", "scenario",
            "task_type", "node_new_framework", "charging", "current_action", "eps", "child_count", "pk", "parent_pk", "source_id",
            "source_ip", "target_id", "target_ip",
        ].map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    static let count = 23
    static let texts: [TaskText: Int] = [
        .id: 1, .name: 2, .description: 4, .errorMessage: 5, .enterpriseProjectID: 15, .sourceID: 19, .sourceIP: 20, .targetID: 21,
        .targetIP: 22,
    ]
    static let codes: [TaskCode: Int] = [
        .status: 3, .engine: 6, .net: 7, .direction: 9, .use: 10, .taskType: 11, .charging: 13, .currentAction: 14,
    ]
    static let integerColumns = [0, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18]
}

/// Task rows received from PostgreSQL: `kind` (0 a task, 1 a subtask of the task before), then the task columns (the
/// rows of ``PostgresQueryPlan`` have two sort columns between them). Text columns are copied into a buffer of the
/// cursor's own, valid until it moves.
final class PostgresRowCursor: TaskRowCursor {
    private let rows: [PostgresRow]
    /// Where the kind column is.
    private let kindColumn: Int
    /// Where the task columns start.
    private let firstColumn: Int
    private var index = -1
    private var integers = [Int64?](repeating: nil, count: PostgresTaskColumns.count)
    private var textRanges = [Range<Int>?](repeating: nil, count: PostgresTaskColumns.count)
    private var arena: UnsafeMutableRawBufferPointer

    init(_ rows: [PostgresRow], kindColumn: Int, firstColumn: Int? = nil) {
        self.rows = rows
        self.kindColumn = kindColumn
        self.firstColumn = firstColumn ?? kindColumn + 3
        self.arena = .allocate(byteCount: 4096, alignment: 1)
    }

    deinit {
        arena.deallocate()
    }

    func next() throws -> TaskRowKind? {
        while true {
            index += 1
            guard index < rows.count else { return nil }
            let row = rows[index].makeRandomAccess()
            // An empty page is one row with the total and NULL task columns; kind 2 rows carry facet bits.
            guard let kind = try row[kindColumn].decode(Int?.self), kind < 2 else { continue }
            try load(row)
            return kind == 0 ? .task : .child
        }
    }

    private func load(_ row: PostgresRandomAccessRow) throws {
        for column in PostgresTaskColumns.integerColumns {
            integers[column] = try row[firstColumn + column].decode(Int64?.self)
        }
        var used = 0
        for column in PostgresTaskColumns.texts.values {
            guard var bytes = row[firstColumn + column].bytes else {
                textRanges[column] = nil
                continue
            }
            let count = bytes.readableBytes
            if used + count > arena.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(arena.count * 2, used + count), alignment: 1)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: arena[..<used]))
                arena.deallocate()
                arena = larger
            }
            _ = bytes.readWithUnsafeReadableBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: arena[used..<(used + count)]).copyMemory(from: source)
                return count
            }
            textRanges[column] = used..<(used + count)
            used += count
        }
    }

    var createTime: Int64 { integers[0] ?? 0 }
    var key: Int64 { integers[17] ?? 0 }
    var parentKey: Int64? { integers[18] }

    func text(_ column: TaskText) -> UnsafeRawBufferPointer {
        guard let range = textRanges[PostgresTaskColumns.texts[column]!] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: arena[range])
    }

    func isNull(_ column: TaskText) -> Bool { textRanges[PostgresTaskColumns.texts[column]!] == nil }
    func code(_ column: TaskCode) -> Int { integers[PostgresTaskColumns.codes[column]!].map { Int($0) } ?? -1 }
    var billingTag: Bool { integers[8] != 0 }
    var nodeNewFramework: Bool { integers[12] != 0 }
}
