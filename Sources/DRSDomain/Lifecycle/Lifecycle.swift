/// The state machine of `lifecycle.md` §5 as pure functions: operations at the request's time, steps at their due
/// time. Callers check ``refusal(of:on:at:waivePrecheck:)`` first; every function here assumes the change is allowed.
public enum Lifecycle {
    /// A new task: `CREATING`, the create step pending, and a fault armed by the `drs-fault` tag.
    public static func created(_ record: JobRecord, at now: Int64, durations: LifeDurations, fault: Fault?) -> LifeTask {
        var record = record
        record.status = .creating
        record.currentAction = nil
        record.errorMessage = nil
        var life = LifeState(updateTime: now)
        life.step = PendingStep(.create, due: now + durations.create)
        life.fault = fault
        life.endpointsUpdated = now
        return LifeTask(record: record, life: life)
    }

    /// Applies an allowed operation at `now`. Returns false when it changes nothing (a repeated force_terminate).
    @discardableResult
    public static func apply(_ operation: LifeOperation, to task: inout LifeTask, at now: Int64, durations: LifeDurations) -> Bool {
        var next = task
        switch operation {
        case .start(let at, let options):
            next.life.startOptions = options
            if let at {
                next.freezeFull(at: now)
                next.record.status = .waitingForStart
                next.life.scheduledStart = at
                next.life.step = PendingStep(.wake, due: at)
            } else {
                next.life.scheduledStart = nil
                next.enterStarting(at: now, durations: durations)
            }
        case .pause(let mode):
            next.freezeFull(at: now)
            next.life.pauseMode = mode
            next.record.currentAction = .stopJob
            next.life.step = PendingStep(.stop, due: now + durations.pause)
        case .retry:
            next.enterStarting(at: now, durations: durations)
        case .terminate:
            next.release(at: now, durations: durations)
        case .forceTerminate:
            let releasing = task.record.status == .releaseResourceStarted && task.record.currentAction == nil
            if releasing && task.life.step?.kind == .release { return false }
            next.record.currentAction = nil
            next.life.pauseAfterSwitch = false
            next.release(at: now, durations: durations)
        case .delete:
            next.freezeFull(at: now)
            next.record.status = .deleted
            next.life.step = nil
        case .switchOver(let pauseJob):
            next.freezeFull(at: now)
            next.record.currentAction = .switchOver
            next.life.pauseAfterSwitch = pauseJob
            next.life.step = PendingStep(.switchOver, due: now + durations.switchOver)
        case .precheck(let mode):
            let fires = task.life.fault?.at == .precheck
            next.life.precheck = PrecheckRun(
                started: now,
                due: now + durations.start,
                failure: fires ? task.life.fault!.text : nil,
                mode: mode
            )
            if fires { next.life.fault = nil }
        case .rollBack, .precheckResult, .testConnection, .modify:
            return false
        }
        next.settle(at: now)
        task = next
        return true
    }

    /// Applies the task's pending step at its due time.
    public static func applyStep(to task: inout LifeTask, durations: LifeDurations) {
        guard let step = task.life.step else { return }
        let t = step.due
        var next = task
        next.life.step = nil
        switch step.kind {
        case .create:
            if next.fire(.create) { next.fail(.createFailed) } else { next.record.status = .configuration }
        case .wake:
            next.enterStarting(at: t, durations: durations)
        case .start:
            if next.fire(.start) {
                next.fail(.startJobFailed)
            } else {
                next.resume(at: t, durations: durations)
            }
        case .full:
            next.finishFull(at: t, durations: durations)
        case .incremental:
            next.enterIncremental(at: t, durations: durations)
        case .fail:
            if next.fire(.incremental) { next.fail(.increTransferFailed) }
        case .armed:
            if next.life.fault?.at == .incremental { next.life.step = PendingStep(.fail, due: t + durations.start) }
        case .stop:
            next.record.currentAction = nil
            next.record.status = .pausing
        case .release:
            if next.fire(.release) { next.fail(.releaseResourceFailed) } else { next.record.status = .releaseResourceComplete }
        case .switchOver:
            next.record.currentAction = nil
            next.record.jobDirection = next.record.jobDirection.flipped
            if next.life.pauseAfterSwitch { next.record.status = .pausing }
            next.life.pauseAfterSwitch = false
        }
        next.settle(at: t)
        task = next
    }

    /// Arms `fault` (nil: disarms) at `now`. A fault for the step the task is in applies to its pending step: the full
    /// phase's end moves to the 50 % mark, an incremental task gets its failure step.
    public static func arm(_ fault: Fault?, on task: inout LifeTask, at now: Int64) {
        task.life.fault = fault
        if task.record.status == .fullTransferStarted, task.life.step?.kind == .full, task.life.fullSince != nil {
            task.scheduleFull(from: now)
        }
        if task.record.status == .increTransferStarted, task.record.currentAction == nil {
            if fault?.at == .incremental {
                task.life.step = PendingStep(.armed, due: now)
            } else if task.life.step?.kind == .fail || task.life.step?.kind == .armed {
                task.life.step = nil
            }
        }
        task.life.version += 1
    }
}

extension JobDirection {
    /// `up` ↔ `down`; `non-dbs` stays.
    var flipped: JobDirection {
        switch self {
        case .up: return .down
        case .down: return .up
        default: return self
        }
    }
}

extension JobStatus {
    /// A `*_FAILED` status: the task's `error_msg` is set while it holds one.
    public var isFailure: Bool { rawValue.hasSuffix("_FAILED") }
}

extension LifeTask {
    /// Common bookkeeping after every change: the error message only in a failed status, the time, the version.
    fileprivate mutating func settle(at time: Int64) {
        if !record.status.isFailure { record.errorMessage = nil }
        life.updateTime = time
        life.version += 1
    }

    /// Disarms and reports a fault armed for `step`.
    fileprivate mutating func fire(_ step: FaultStep) -> Bool {
        guard let fault = life.fault, fault.at == step else { return false }
        record.errorMessage = fault.text
        life.fault = nil
        return true
    }

    /// A failed step (the full phase's clock is not running in the statuses these steps leave).
    fileprivate mutating func fail(_ status: JobStatus) {
        record.status = status
    }

    /// Stops the full-phase clock.
    fileprivate mutating func freezeFull(at time: Int64) {
        guard let since = life.fullSince else { return }
        life.fullDone += max(0, time - since)
        life.fullSince = nil
    }

    fileprivate mutating func enterStarting(at time: Int64, durations: LifeDurations) {
        freezeFull(at: time)
        record.status = .startJobing
        if life.actualStartTime == nil { life.actualStartTime = time }
        life.step = PendingStep(.start, due: time + durations.start)
    }

    fileprivate mutating func release(at time: Int64, durations: LifeDurations) {
        freezeFull(at: time)
        record.status = .releaseResourceStarted
        life.step = PendingStep(.release, due: time + durations.release)
    }

    /// `STARTJOBING`'s step: on to the furthest phase entered (§5.3).
    fileprivate mutating func resume(at time: Int64, durations: LifeDurations) {
        switch life.phase {
        case .none:
            if record.taskType == .incrTrans {
                enterIncremental(at: time, durations: durations)
            } else {
                life.phase = .full
                enterFull(at: time, durations: durations)
            }
        case .full:
            enterFull(at: time, durations: durations)
        case .fullComplete:
            record.status = .fullTransferComplete
            if record.taskType == .fullIncrTrans { life.step = PendingStep(.incremental, due: time + durations.start) }
        case .incremental:
            enterIncremental(at: time, durations: durations)
        }
    }

    fileprivate mutating func enterFull(at time: Int64, durations: LifeDurations) {
        record.status = .fullTransferStarted
        if life.fullLength == nil { life.fullLength = durations.full }
        life.fullSince = time
        scheduleFull(from: time)
    }

    /// The full step: due when the time done reaches `d_full`, or 50 % with a `full` fault armed (not before `now`).
    fileprivate mutating func scheduleFull(from now: Int64) {
        guard let since = life.fullSince else { return }
        let length = life.fullLength ?? 0
        let target = life.fault?.at == .full ? (length + 1) / 2 : length
        life.step = PendingStep(.full, due: max(now, since + max(0, target - life.fullDone)))
    }

    fileprivate mutating func finishFull(at time: Int64, durations: LifeDurations) {
        let length = life.fullLength ?? 0
        let done = life.fullDone(at: time)
        if life.fault?.at == .full, 2 * done >= length {
            _ = fire(.full)
            freezeFull(at: time)
            record.status = .fullTransferFailed
            return
        }
        guard done >= length else {
            scheduleFull(from: time)
            return
        }
        life.fullDone = length
        life.fullSince = nil
        life.phase = .fullComplete
        life.fullCompleteTime = time
        record.status = .fullTransferComplete
        if record.taskType == .fullIncrTrans { life.step = PendingStep(.incremental, due: time + durations.start) }
    }

    fileprivate mutating func enterIncremental(at time: Int64, durations: LifeDurations) {
        record.status = .increTransferStarted
        life.phase = .incremental
        if life.fault?.at == .incremental { life.step = PendingStep(.fail, due: time + durations.start) }
    }
}
