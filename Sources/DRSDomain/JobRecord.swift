/// One stored task, as imported, stored, exported and answered.
public struct JobRecord: Equatable, Sendable {
    /// A database instance a task replicates from or to.
    public struct Instance: Equatable, Sendable {
        public var id: String?
        /// Canonical IP literal (see ``IPAddress``).
        public var ip: String?

        public init(id: String?, ip: String?) {
            self.id = id
            self.ip = ip
        }
    }

    public struct Tag: Equatable, Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var id: String
    public var name: String
    public var status: JobStatus
    public var description: String = ""
    /// Milliseconds since 1970, UTC; answers show it as `yyyy-MM-dd HH:mm:ss` (see ``Timestamp``).
    public var createTime: Int64
    public var errorMessage: String?
    public var engineType: EngineType
    public var netType: NetType
    public var billingTag: Bool = false
    public var jobDirection: JobDirection
    public var dbUseType: DBUseType
    public var taskType: TaskType
    public var nodeNewFramework: Bool = false
    public var enterpriseProjectID: String = "0"
    public var chargingMode: ChargingMode = .onDemand
    public var currentAction: CurrentAction?
    public var tags: [Tag] = []
    public var sourceInstance: Instance?
    public var targetInstance: Instance?
    /// Subtasks, ordered by `create_time` ascending, then `id`.
    public var children: [JobRecord] = []
    /// What the lifecycle keeps beyond the record, as exported and imported (`lifecycle.md` §8); nil for a task
    /// that has none.
    public var kept: KeptLife?

    public init(
        id: String,
        name: String,
        status: JobStatus,
        createTime: Int64,
        engineType: EngineType,
        netType: NetType,
        jobDirection: JobDirection,
        dbUseType: DBUseType,
        taskType: TaskType
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.createTime = createTime
        self.engineType = engineType
        self.netType = netType
        self.jobDirection = jobDirection
        self.dbUseType = dbUseType
        self.taskType = taskType
    }

    /// What the action matrix needs to know about this task.
    public var actionFacts: ActionFacts {
        ActionFacts(
            status: status,
            dbUseType: dbUseType,
            engineType: engineType,
            chargingMode: chargingMode,
            currentAction: currentAction
        )
    }

    /// `create_time` as the query answers it: `yyyy-MM-dd HH:mm:ss`, UTC.
    public var createTimeText: String { Timestamp.format(milliseconds: createTime) }

    /// The `job_action` of this task.
    public var actions: JobActions { ActionMatrix.actions(for: actionFacts) }

    /// Orders children as the API answers them: `create_time` ascending, then `id`.
    public static func childOrder(_ lhs: JobRecord, _ rhs: JobRecord) -> Bool {
        (lhs.createTime, lhs.id) < (rhs.createTime, rhs.id)
    }

    /// Orders top-level tasks as the API answers them: `create_time` descending, then `id` ascending.
    public static func listOrder(_ lhs: JobRecord, _ rhs: JobRecord) -> Bool {
        lhs.createTime != rhs.createTime ? lhs.createTime > rhs.createTime : lhs.id < rhs.id
    }
}

/// The lifecycle's kept keys and times of a task, carried by the import format.
public struct KeptLife: Equatable, Sendable {
    public var config: TaskConfig
    public var updateTime: Int64?
    public var actualStartTime: Int64?
    public var fullCompleteTime: Int64?

    public init(config: TaskConfig, updateTime: Int64? = nil, actualStartTime: Int64? = nil, fullCompleteTime: Int64? = nil) {
        self.config = config
        self.updateTime = updateTime
        self.actualStartTime = actualStartTime
        self.fullCompleteTime = fullCompleteTime
    }

    /// The simulator state an imported task starts from: its phase from its status, these times, nothing pending.
    public func state(of record: JobRecord) -> LifeState {
        var state = LifeState.imported(record)
        state.updateTime = updateTime ?? record.createTime
        state.actualStartTime = actualStartTime
        state.fullCompleteTime = fullCompleteTime
        return state
    }
}
