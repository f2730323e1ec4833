/// The action matrix of `query-jobs.md` §6, as data: base rows per status, then overlays.

/// What the matrix needs to know about a task.
public struct ActionFacts: Hashable, Sendable {
    public var status: JobStatus
    public var dbUseType: DBUseType
    public var engineType: EngineType
    public var chargingMode: ChargingMode
    public var currentAction: CurrentAction?

    public init(
        status: JobStatus,
        dbUseType: DBUseType,
        engineType: EngineType,
        chargingMode: ChargingMode = .onDemand,
        currentAction: CurrentAction? = nil
    ) {
        self.status = status
        self.dbUseType = dbUseType
        self.engineType = engineType
        self.chargingMode = chargingMode
        self.currentAction = currentAction
    }
}

/// The answer for one task: the `job_action` object.
public struct JobActions: Hashable, Sendable {
    public var available: ActionSet
    public var currentAction: CurrentAction?
    /// Every action of the catalogue that is not available.
    public var unavailable: ActionSet { available.complement }
}

/// One overlay step: when `condition` holds and the status is in `statuses` (nil: any status),
/// remove `remove`, then add `add`.
public struct ActionOverlay: Sendable {
    public enum Condition: Sendable {
        case dbUseType(DBUseType)
        case engine(EngineType)
        case chargingMode(ChargingMode)
        case operationInProgress
    }

    public var condition: Condition
    public var statuses: Set<JobStatus>?
    public var remove: ActionSet
    public var add: ActionSet

    public init(_ condition: Condition, in statuses: Set<JobStatus>? = nil, remove: ActionSet = [], add: ActionSet = []) {
        self.condition = condition
        self.statuses = statuses
        self.remove = remove
        self.add = add
    }

    func applies(to facts: ActionFacts) -> Bool {
        if let statuses, !statuses.contains(facts.status) { return false }
        switch condition {
        case .dbUseType(let value): return facts.dbUseType == value
        case .engine(let value): return facts.engineType == value
        case .chargingMode(let value): return facts.chargingMode == value
        case .operationInProgress: return facts.currentAction != nil
        }
    }
}

public enum ActionMatrix {
    /// Base rows: the actions available in each status.
    public static let base: [JobStatus: ActionSet] = [
        .creating: [.create],
        .createFailed: [
            .create, .chooseObject, .preCheck, .changeMode, .modifyDBConfig, .start, .change, .delete, .apiConfigurationAction,
        ],
        .configuration: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .start, .change, .apiConfigurationAction,
        ],
        .startJobing: [.create],
        .waitingForStart: [.create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .start, .change],
        .startJobFailed: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .start, .change, .retry,
            .queryPreCheck,
        ],
        .pausing: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .modifyConfiguration,
            .retry, .reset,
        ],
        .fullTransferStarted: [
            .create, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .modifyConfiguration, .pause,
        ],
        .fullTransferFailed: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .modifyConfiguration,
            .pause, .retry, .reset,
        ],
        .fullTransferComplete: [.create, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .pause, .clone],
        .increTransferStarted: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .modifyConfiguration,
            .pause,
        ],
        .increTransferFailed: [
            .create, .chooseObject, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .resetDBPassword, .modifyConfiguration,
            .pause, .retry, .reset,
        ],
        .releaseResourceStarted: [.create],
        .releaseResourceFailed: [.create, .freeResource],
        .releaseResourceComplete: [.create, .preCheck, .changeMode, .modifyDBConfig, .delete, .clone],
        .rebuildNodeStarted: [.create],
        .rebuildNodeFailed: [.create, .freeResource, .retry],
        .changeJobStarted: [.create],
        .changeJobFailed: [.create, .freeResource, .retry],
        .deleted: [.create],
        .childTransferStarting: [.create],
        .childTransferStarted: [.create, .freeResource],
        .childTransferComplete: [.create, .freeResource],
        .childTransferFailed: [.create, .freeResource, .retry],
        .releaseChildTransferStarted: [.create],
        .releaseChildTransferComplete: [.create, .delete],
        .nodeUpgradeStart: [.create],
        .nodeUpgradeComplete: [.create, .preCheck, .changeMode, .freeResource, .modifyDBConfig, .modifyConfiguration],
        .nodeUpgradeFailed: [.create, .freeResource, .retry],
    ]

    /// Overlays, applied in this order.
    public static let overlays: [ActionOverlay] = [
        // 1. Disaster recovery.
        ActionOverlay(.dbUseType(.cloudDataGuard), remove: [.pause, .retry]),
        ActionOverlay(.dbUseType(.cloudDataGuard), in: [.increTransferStarted], add: [.switchOver]),
        // 2. Cassandra DR.
        ActionOverlay(.engine(.cloudDataGuardCassandra), in: [.fullTransferComplete], add: [.startIncr]),
        ActionOverlay(.engine(.cloudDataGuardCassandra), in: [.fullTransferStarted, .increTransferStarted], add: [.modifyTaskNumber]),
        // 3. Oracle to GaussDB distributed.
        ActionOverlay(.engine(.oracleToGaussdbv5), in: [.fullTransferStarted, .increTransferStarted], add: [.stopJob]),
        ActionOverlay(
            .engine(.oracleToGaussdbv5),
            in: [.startJobFailed, .pausing, .fullTransferFailed, .increTransferFailed],
            add: [.continueJob]
        ),
        ActionOverlay(
            .engine(.oracleToGaussdbv5),
            in: [.increTransferStarted],
            add: [.continueCapture, .stopCapture, .continueApply, .stopApply]
        ),
        // 4. Yearly/monthly billing.
        ActionOverlay(.chargingMode(.period), remove: [.freeResource, .delete]),
        ActionOverlay(
            .chargingMode(.period),
            in: Set(JobStatus.allCases).subtracting([.deleted, .releaseResourceComplete]),
            add: [.orderInfo, .toRenew, .unsubscribe]
        ),
        // 5. An operation in progress: only CREATE.
        ActionOverlay(.operationInProgress, remove: .all, add: [.create]),
    ]

    /// Actions this service never offers: it has no orders, flavours or specifications.
    public static let neverAvailable: ActionSet = [.payOrder, .toPeriod, .changeFlavor, .modifySpecificationID, .jumpRetry]

    /// The `job_action` of a task.
    public static func actions(for facts: ActionFacts) -> JobActions {
        var available = base[facts.status] ?? []
        for overlay in overlays where overlay.applies(to: facts) {
            available = available.subtracting(overlay.remove).union(overlay.add)
        }
        return JobActions(available: available.subtracting(neverAvailable), currentAction: facts.currentAction)
    }
}
