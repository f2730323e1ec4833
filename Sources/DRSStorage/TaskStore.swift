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

    /// Imports a large document as its batches are parsed (``JobImportBatches``), all or nothing as above. Any error,
    /// ``JobImportBatches/Refused`` included, leaves the project as it was; the caller then imports the document whole
    /// for the exact error.
    func importJobs(_ batches: JobImportBatches, project: String, progress: (@Sendable (Int) -> Void)?) async throws

    /// Runs `body` in one write transaction of the project's tasks: every change goes through the ``TaskWriter``,
    /// which keeps the totals, the membership lists and the name index in step.
    func write<T: Sendable>(project: String, _ body: (any TaskWriter) async throws -> T) async throws -> T

    /// The project's tasks and subtasks with these IDs, with their lifecycle, from one snapshot (IDs not found are
    /// absent).
    func lifeTasks(ids: [String], project: String) async throws -> [String: LifeSnapshot]

    /// Pending steps due at `now` (epoch ms), of every project, oldest due first, at most `limit`.
    func dueSteps(at now: Int64, limit: Int) async throws -> [DueStep]

    /// Runs `body` in one write transaction on the task of `step`, if it still has a pending step at `step.version`
    /// (PostgreSQL: and no other transaction holds it); nil otherwise.
    func writeDue<T: Sendable>(_ step: DueStep, _ body: (any TaskWriter, StoredTask) async throws -> T) async throws -> T?
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

    // MARK: Lifecycle

    /// The task's stored lifecycle, or nil when it has none (an imported task that no operation has touched).
    func life(of task: StoredTask) async throws -> StoredLife?

    /// Stores the task's lifecycle; its pending step is indexed for the simulator.
    func storeLife(_ life: StoredLife, of task: StoredTask) async throws

    /// Appends a line to the task's transition log: its current status and `current_action`, one past the last `seq`.
    func appendLog(_ task: StoredTask, time: Int64, cause: LifeCause) async throws

    /// The task's transition log, oldest first.
    func history(of task: StoredTask) async throws -> [LifeLogEntry]

    /// Whether a top-level task of the project that is not `DELETED`, other than `except`, has this name (compared
    /// case-folded, as the query's name filter folds).
    func nameTaken(_ name: String, except key: Int64?) async throws -> Bool

    /// Serialises the checks of one name in the project (case-folded) until the transaction ends, so that of two
    /// concurrent creates or renames to one name exactly one succeeds (SQLite's write lock already does).
    func lockName(_ name: String) async throws
}

/// A task's lifecycle as stored: the simulator's state, and the kept create and modify keys (JSON).
public struct StoredLife: Equatable, Sendable {
    public var state: LifeState
    public var config: String?

    public init(state: LifeState, config: String? = nil) {
        self.state = state
        self.config = config
    }
}

/// A task with its stored lifecycle (nil: none stored yet).
public struct LifeSnapshot: Equatable, Sendable {
    public var task: StoredTask
    public var life: StoredLife?
    /// A subtask's parent's ID.
    public var parentID: String?

    public init(task: StoredTask, life: StoredLife?, parentID: String? = nil) {
        self.task = task
        self.life = life
        self.parentID = parentID
    }
}

/// A pending step the simulator found due: which task, at which version (the step applies only if unchanged since).
public struct DueStep: Equatable, Sendable {
    public var key: Int64
    public var version: Int64
    public var due: Int64

    public init(key: Int64, version: Int64, due: Int64) {
        self.key = key
        self.version = version
        self.due = due
    }
}
