import DRSDomain

/// Where the tasks of every project live. One implementation per database; every implementation passes the shared
/// suites in `Tests/DRSStorageTests`.
public protocol TaskStore: Sendable {
    /// One page of the matching top-level tasks, with their children: `body` gets the number of matches and the rows.
    func page<T>(
        _ query: JobQuery,
        offset: Int,
        limit: Int,
        project: String,
        _ body: (_ total: Int, _ rows: any TaskRowCursor) throws -> T
    ) async throws -> T

    /// Every matching top-level task, in answer order, from one consistent snapshot. `onTotal` gets the number of
    /// matches first; then `render` turns the next batch of at most `batchSize` tasks into a value (on the store's own
    /// thread when it has one), and `emit` sends it on; the next batch is read only after `emit` returns.
    func streamAll<R: Sendable>(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        render: @escaping @Sendable (any TaskRowCursor) throws -> R,
        emit: (R) async throws -> Void
    ) async throws

    /// Every top-level task of the project (any status), with children, tags and instances, newest first.
    func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws

    /// Imports records into a project, all or nothing. A record whose ID (or a child's ID) exists in the same project
    /// replaces that task, with its children; an ID of another project is an error. `progress` hears how many records
    /// are written, now and then.
    func importJobs(_ records: [JobRecord], project: String, progress: (@Sendable (Int) -> Void)?) async throws

    /// Runs `body` in one write transaction of the project's tasks: every change goes through the ``TaskWriter``,
    /// which keeps the totals, the membership lists and the name index in step.
    func write<T: Sendable>(project: String, _ body: (any TaskWriter) async throws -> T) async throws -> T
}

extension TaskStore {
    public func importJobs(_ records: [JobRecord], project: String) async throws {
        try await importJobs(records, project: project, progress: nil)
    }

    /// A page as records (for tests and tools).
    public func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage {
        try await page(query, offset: offset, limit: limit, project: project) { total, rows in
            JobPage(total: total, jobs: try rows.records())
        }
    }

    /// The number of matches of `query`.
    public func count(_ query: JobQuery, project: String) async throws -> Int {
        try await page(query, offset: 0, limit: 0, project: project) { total, _ in total }
    }
}

/// A task as stored: its key, its parent's key, and its record (tags and instances included, children not).
public struct StoredTask: Equatable, Sendable {
    public var key: Int64
    public var parentKey: Int64?
    public var record: JobRecord

    public init(key: Int64, parentKey: Int64?, record: JobRecord) {
        self.key = key
        self.parentKey = parentKey
        self.record = record
    }
}

/// The one way tasks change. Each call keeps the exact totals (`total_record`), the tag and instance lists and the
/// name index of the project in step with the tasks, in the caller's transaction.
public protocol TaskWriter: AnyObject {
    /// The task (or subtask) with this ID in the project, or nil.
    func find(id: String) async throws -> StoredTask?

    /// The subtasks of a task, in child order.
    func children(of task: StoredTask) async throws -> [StoredTask]

    /// Stores a new top-level task with its children; returns its key. Its ID must not exist yet.
    @discardableResult
    func insert(_ record: JobRecord) async throws -> Int64

    /// Changes a stored task to `record` (same ID and create time; its `children` are ignored).
    func update(_ task: StoredTask, to record: JobRecord) async throws

    /// Removes a task, with its subtasks when it has any.
    func remove(_ task: StoredTask) async throws
}
