/// What the simulator keeps per task beside its record (`lifecycle.md` §5, §8): phase, full-phase clock, the pending
/// step, the armed fault, the latest pre-check run, the times the detail answers. Stored as JSON (Codable) next to
/// the task; the step and its due time are also stored as columns, for the simulator's index.

/// The furthest phase a task entered (§5.3).
public enum LifePhase: String, Codable, Sendable, CaseIterable {
    case none
    case full
    case fullComplete = "full_complete"
    case incremental

    /// The phase an imported task's status implies (§5.4).
    public static func of(imported status: JobStatus, taskType: TaskType) -> LifePhase {
        switch status {
        case .fullTransferStarted, .fullTransferFailed: return .full
        case .fullTransferComplete: return .fullComplete
        case .increTransferStarted, .increTransferFailed: return .incremental
        case .pausing: return taskType == .fullTrans ? .fullComplete : .incremental
        default: return .none
        }
    }
}

/// An automatic transition the simulator applies at its due time (§5.2).
public enum StepKind: String, Codable, Sendable, CaseIterable {
    case create
    case wake
    case start
    case full
    case incremental
    case fail
    case stop
    case release
    case switchOver = "switch"
    /// An `incremental` fault armed on a task already in `INCRE_TRANSFER_STARTED` (by a process that may not run at
    /// the simulator's pace): the simulator turns it into the failure step, `d_start` later.
    case armed

    /// Stable small integers for the database column (never reordered).
    public var code: Int { Self.allCases.firstIndex(of: self)! }
    public init?(code: Int) {
        guard Self.allCases.indices.contains(code) else { return nil }
        self = Self.allCases[code]
    }
}

/// A pending step: what happens, and when (epoch milliseconds).
public struct PendingStep: Equatable, Codable, Sendable {
    public var kind: StepKind
    public var due: Int64

    public init(_ kind: StepKind, due: Int64) {
        self.kind = kind
        self.due = due
    }
}

/// Where a fault makes a task fail (§7).
public enum FaultStep: String, Codable, Sendable, CaseIterable {
    case create
    case connection
    case precheck
    case start
    case full
    case incremental
    case release

    /// The message a fault carries when none is given (the `connection` fault's is localised when answered).
    public var defaultMessage: String {
        switch self {
        case .create: return "Failed to create instance!"
        case .connection: return "The username or password is incorrect."
        case .precheck: return "The pre-check item failed."
        case .start: return "Failed to start the task."
        case .full: return "Full migration failed."
        case .incremental: return "Incremental migration failed."
        case .release: return "Failed to release resources."
        }
    }

    /// Longest message `drs jobs fault --message` accepts.
    public static let maxMessageLength = 1024
}

/// An armed one-shot fault.
public struct Fault: Equatable, Codable, Sendable {
    public var at: FaultStep
    /// nil: the default message.
    public var message: String?

    public init(at: FaultStep, message: String? = nil) {
        self.at = at
        self.message = message
    }

    public var text: String { message ?? at.defaultMessage }
}

/// The latest pre-check run of a task (§6.6): its outcome is fixed when it starts.
public struct PrecheckRun: Equatable, Codable, Sendable {
    public var started: Int64
    public var due: Int64
    /// The failure message when a `precheck` fault fired on this run.
    public var failure: String?
    public var mode: String
    /// No configuration change since the run started (§4: start needs it).
    public var current: Bool = true

    public init(started: Int64, due: Int64, failure: String?, mode: String) {
        self.started = started
        self.due = due
        self.failure = failure
        self.mode = mode
    }

    public func isDone(at now: Int64) -> Bool { now >= due }
    /// Completed, passed, and no configuration change since.
    public func allowsStart(at now: Int64) -> Bool { isDone(at: now) && failure == nil && current }
}

/// The simulator's state of one task.
public struct LifeState: Equatable, Codable, Sendable {
    /// Incremented on every change of the task (§9).
    public var version: Int64 = 0
    public var phase: LifePhase = .none
    /// Full-phase time done (ms) up to `fullSince`.
    public var fullDone: Int64 = 0
    /// While the full phase runs (status `FULL_TRANSFER_STARTED`, no operation in progress): since when.
    public var fullSince: Int64?
    /// `d_full`, fixed when the task first enters the full phase.
    public var fullLength: Int64?
    public var step: PendingStep?
    public var fault: Fault?
    public var precheck: PrecheckRun?
    /// Last change of any kind.
    public var updateTime: Int64
    /// When the task first entered `STARTJOBING`.
    public var actualStartTime: Int64?
    public var fullCompleteTime: Int64?
    /// A start's `start_time`.
    public var scheduledStart: Int64?
    /// A switchover's `is_pause_job`, while it runs.
    public var pauseAfterSwitch: Bool = false
    /// Kept start, pause and delete flags (§8).
    public var startOptions: StartOptions?
    public var pauseMode: String?
    public var showBreakpoint: Bool?
    /// Last time an endpoint was changed (create or modify).
    public var endpointsUpdated: Int64?

    public init(updateTime: Int64, phase: LifePhase = .none) {
        self.updateTime = updateTime
        self.phase = phase
    }

    /// The state of an imported task, or of one stored before the lifecycle existed: no step, no fault, its phase from
    /// its status.
    public static func imported(_ record: JobRecord) -> LifeState {
        LifeState(updateTime: record.createTime, phase: .of(imported: record.status, taskType: record.taskType))
    }

    /// Full-phase time done at `now`.
    public func fullDone(at now: Int64) -> Int64 {
        guard let since = fullSince else { return fullDone }
        return fullDone + max(0, now - since)
    }

    /// `progress` as batch-progress answers it (§6.4).
    public func progress(at now: Int64) -> Int {
        switch phase {
        case .none: return 0
        case .fullComplete, .incremental: return 100
        case .full:
            guard let length = fullLength, length > 0 else { return 0 }
            return min(99, Int(100 * fullDone(at: now) / length))
        }
    }
}

/// A start's kept flags.
public struct StartOptions: Equatable, Codable, Sendable {
    public var autoCreateCompare: Bool?

    public init(autoCreateCompare: Bool?) {
        self.autoCreateCompare = autoCreateCompare
    }
}

/// Why a task changed, as the transition log records it (§11).
public enum LifeCause: String, Codable, Sendable, CaseIterable {
    case create
    case start
    case pause
    case retry
    case terminate
    case forceTerminate = "force_terminate"
    case delete
    case switchover
    case `import`
    case simulator

    public var code: Int { Self.allCases.firstIndex(of: self)! }
    public init?(code: Int) {
        guard Self.allCases.indices.contains(code) else { return nil }
        self = Self.allCases[code]
    }
}

/// One line of a task's transition log.
public struct LifeLogEntry: Equatable, Sendable {
    public var seq: Int64
    public var time: Int64
    public var status: JobStatus
    public var currentAction: CurrentAction?
    public var cause: LifeCause

    public init(seq: Int64, time: Int64, status: JobStatus, currentAction: CurrentAction?, cause: LifeCause) {
        self.seq = seq
        self.time = time
        self.status = status
        self.currentAction = currentAction
        self.cause = cause
    }
}
