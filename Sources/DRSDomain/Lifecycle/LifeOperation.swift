/// The write operations of `lifecycle.md` §2 as the gate (§3.2 checks 2–5, §4) sees them.
public enum LifeOperation: Equatable, Sendable {
    /// `start_time` (nil: now) and the kept flags.
    case start(at: Int64?, options: StartOptions)
    case pause(mode: String)
    /// Resume a paused task or retry a failed one.
    case retry
    case terminate
    case forceTerminate
    case delete
    /// `roll_back_upgrade_active_standby`: never available.
    case rollBack
    case switchOver(pauseJob: Bool)
    case precheck(mode: String)
    case precheckResult
    case testConnection
    /// `configuration`: the item changes keys other than `name`, `description`, `alarm_notify`, `tags`.
    case modify(configuration: Bool)

    /// The action `available_actions` must hold (nil: the operation has its own rule).
    public var requiredAction: JobActionName? {
        switch self {
        case .start: return .start
        case .pause: return .pause
        case .retry: return .retry
        case .terminate: return .freeResource
        case .delete: return .delete
        case .switchOver: return .switchOver
        case .precheck, .precheckResult: return .preCheck
        case .forceTerminate, .rollBack, .testConnection, .modify: return nil
        }
    }

    /// What the transition log names as the cause of the changes this operation makes.
    public var cause: LifeCause? {
        switch self {
        case .start: return .start
        case .pause: return .pause
        case .retry: return .retry
        case .terminate: return .terminate
        case .forceTerminate: return .forceTerminate
        case .delete: return .delete
        case .switchOver: return .switchover
        case .rollBack, .precheck, .precheckResult, .testConnection, .modify: return nil
        }
    }

    /// Whether a successful operation on a parent is applied to its subtasks (§5.4; delete removes them whatever
    /// their state).
    public var cascades: Bool {
        switch self {
        case .start, .pause, .retry, .terminate, .forceTerminate: return true
        default: return false
        }
    }
}

/// A task as the lifecycle sees it: its record and its simulator state.
public struct LifeTask: Equatable, Sendable {
    public var record: JobRecord
    public var life: LifeState

    public init(record: JobRecord, life: LifeState) {
        self.record = record
        self.life = life
    }
}

extension Lifecycle {
    /// Checks 2–5 of §3.2 for `operation` on `task` at `now`; nil when the operation is allowed. `waivePrecheck`:
    /// a subtask following its parent's start needs no pre-check of its own.
    public static func refusal(
        of operation: LifeOperation,
        on task: LifeTask,
        at now: Int64,
        waivePrecheck: Bool = false
    ) -> ItemError? {
        let record = task.record
        // 2. Not deleted.
        guard record.status != .deleted else { return ItemError(.deleted) }
        // force_terminate: every status but RELEASE_RESOURCE_COMPLETE, whatever is in progress.
        if operation == .forceTerminate {
            return record.status == .releaseResourceComplete ? ItemError(.notAllowed) : nil
        }
        // 3. No operation in progress.
        guard record.currentAction == nil else { return ItemError(.busy) }
        // 4. The action is available.
        let available = record.actions.available
        switch operation {
        case .testConnection:
            return record.status == .configuration ? nil : ItemError(.notAllowed)
        case .rollBack:
            return ItemError(.notAllowed, reason: .notPrimaryStandby)
        case .modify(let configuration):
            guard available.contains(.change) || available.contains(.modifyConfiguration) else { return ItemError(.notAllowed) }
            // 5. Configuration keys only before the task runs.
            if configuration, !Self.configurable.contains(record.status) { return ItemError(.notAllowed, reason: .configurationKeys) }
            return nil
        case .terminate, .delete:
            let action = operation.requiredAction!
            guard available.contains(action) else {
                var onDemand = record.actionFacts
                onDemand.chargingMode = .onDemand
                let periodOnly = record.chargingMode == .period && ActionMatrix.actions(for: onDemand).available.contains(action)
                return ItemError(.notAllowed, reason: periodOnly ? .periodCharged : nil)
            }
            return nil
        default:
            guard let action = operation.requiredAction, available.contains(action) else { return ItemError(.notAllowed) }
        }
        // 5. Extra conditions.
        switch operation {
        case .start where Self.configurable.contains(record.status) && !waivePrecheck:
            guard task.life.precheck?.allowsStart(at: now) == true else { return ItemError(.notAllowed, reason: .precheckNotPassed) }
        case .precheckResult:
            guard task.life.precheck != nil else { return ItemError(.emptyResult) }
        default:
            break
        }
        return nil
    }

    /// Where configuration keys may be modified and where a start needs a passed pre-check.
    public static let configurable: Set<JobStatus> = [.configuration, .createFailed]
}
