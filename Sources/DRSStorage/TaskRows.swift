import DRSDomain

/// The text columns of a task row.
public enum TaskText: Int32, Sendable {
    case id, name, description, errorMessage, enterpriseProjectID, sourceID, sourceIP, targetID, targetIP
}

/// The catalogue columns of a task row (stored as ``CatalogueValue/code``).
public enum TaskCode: Int32, Sendable {
    case status, engine, net, direction, use, taskType, charging, currentAction
}

/// One task row as the database hands it over. Text comes as UTF-8 bytes that stay valid until the cursor moves, so the
/// answer is written straight from the database's buffers.
public protocol TaskRowView: AnyObject {
    var createTime: Int64 { get }
    /// The bytes of a text column (empty for NULL).
    func text(_ column: TaskText) -> UnsafeRawBufferPointer
    /// Whether a text column is NULL.
    func isNull(_ column: TaskText) -> Bool
    /// A catalogue column's code; -1 when it is NULL (no `current_action`).
    func code(_ column: TaskCode) -> Int
    var billingTag: Bool { get }
    var nodeNewFramework: Bool { get }
}

/// What ``TaskRowCursor/next()`` moved to.
public enum TaskRowKind: Sendable {
    /// A top-level task of the answer.
    case task
    /// A subtask of the last `.task`, in child order.
    case child
}

/// The rows of an answer: each top-level task, followed by its subtasks.
public protocol TaskRowCursor: TaskRowView {
    /// Moves to the next row, or returns nil at the end (of the answer, or of a streamed batch).
    func next() throws -> TaskRowKind?
}

extension TaskRowView {
    /// A text column as a `String`.
    public func string(_ column: TaskText) -> String {
        String(decoding: text(column), as: UTF8.self)
    }

    /// A text column as a `String`, nil when it is NULL.
    public func optionalString(_ column: TaskText) -> String? {
        isNull(column) ? nil : string(column)
    }

    /// Whether `error_msg` is set.
    public var hasErrorMessage: Bool { !isNull(.errorMessage) }

    /// An instance from the ID and IP columns of one side.
    private func instance(_ id: TaskText, _ ip: TaskText) -> JobRecord.Instance? {
        let instance = JobRecord.Instance(id: optionalString(id), ip: optionalString(ip))
        return instance.id == nil && instance.ip == nil ? nil : instance
    }

    func value<T: CatalogueValue>(_ column: TaskCode, _ type: T.Type) throws -> T {
        guard let value = T(code: code(column)) else { throw StoreError.corrupt("task \(string(.id)): \(column) code \(code(column))") }
        return value
    }

    /// The row as a record (without tags or children).
    public func record() throws -> JobRecord {
        var record = JobRecord(
            id: string(.id),
            name: string(.name),
            status: try value(.status, JobStatus.self),
            createTime: createTime,
            engineType: try value(.engine, EngineType.self),
            netType: try value(.net, NetType.self),
            jobDirection: try value(.direction, JobDirection.self),
            dbUseType: try value(.use, DBUseType.self),
            taskType: try value(.taskType, TaskType.self)
        )
        record.description = string(.description)
        record.errorMessage = hasErrorMessage ? string(.errorMessage) : nil
        record.billingTag = billingTag
        record.nodeNewFramework = nodeNewFramework
        record.enterpriseProjectID = string(.enterpriseProjectID)
        record.chargingMode = try value(.charging, ChargingMode.self)
        record.currentAction = code(.currentAction) < 0 ? nil : try value(.currentAction, CurrentAction.self)
        record.sourceInstance = instance(.sourceID, .sourceIP)
        record.targetInstance = instance(.targetID, .targetIP)
        return record
    }
}

extension TaskRowCursor {
    /// Every remaining row, as records with their children.
    public func records() throws -> [JobRecord] {
        var records: [JobRecord] = []
        while let kind = try next() {
            switch kind {
            case .task: records.append(try record())
            case .child: records[records.count - 1].children.append(try record())
            }
        }
        return records
    }
}

/// One page of answers as records (for tests and tools; the API writes rows straight to JSON).
public struct JobPage: Equatable, Sendable {
    public var total: Int
    public var jobs: [JobRecord]

    public init(total: Int, jobs: [JobRecord]) {
        self.total = total
        self.jobs = jobs
    }
}
