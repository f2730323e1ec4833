import DRSDomain
import DRSStorage
import Foundation

/// The lifecycle over a store (`lifecycle.md` §3.2, §5, §9): each operation item is one transaction that reads the
/// task under the store's lock, asks the gate, applies the transition to the task and the subtasks it reaches, and
/// writes task, state and log through the store's one write path (which keeps the totals exact).
public struct TaskLifecycle: Sendable {
    public let store: any TaskStore
    public let durations: LifeDurations
    /// Epoch milliseconds.
    public let clock: @Sendable () -> Int64

    public init(store: any TaskStore, durations: LifeDurations = .standard, clock: @escaping @Sendable () -> Int64 = TaskLifecycle.systemClock) {
        self.store = store
        self.durations = durations
        self.clock = clock
    }

    public static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: Operations

    /// One operation item on the task `id` of `project`: the task after it, or why it was refused (nothing changed).
    public func operate(_ operation: LifeOperation, id: String, project: String) async throws -> Result<LifeTask, ItemError> {
        try await store.write(project: project) { writer in
            guard let task = try await writer.find(id: id) else { return .failure(ItemError(.notFound)) }
            let stored = try await load(task, writer)
            var current = stored.task
            let now = clock()
            if let refusal = Lifecycle.refusal(of: operation, on: current, at: now) { return .failure(refusal) }
            guard Lifecycle.apply(operation, to: &current, at: now, durations: durations) else { return .success(current) }
            try await save(current, over: task, config: stored.config, cause: operation.cause, at: now, writer)
            if task.parentKey == nil { try await cascade(operation, from: task, at: now, writer) }
            return .success(current)
        }
    }

    /// A parent's operation reaches the subtasks the gate allows (no pre-check needed); a delete reaches them all.
    private func cascade(_ operation: LifeOperation, from parent: StoredTask, at now: Int64, _ writer: any TaskWriter) async throws {
        guard operation.cascades || operation == .delete else { return }
        for child in try await writer.children(of: parent) {
            let stored = try await load(child, writer)
            var current = stored.task
            if operation == .delete {
                guard child.record.status != .deleted else { continue }
            } else if Lifecycle.refusal(of: operation, on: current, at: now, waivePrecheck: true) != nil {
                continue
            }
            guard Lifecycle.apply(operation, to: &current, at: now, durations: durations) else { continue }
            try await save(current, over: child, config: stored.config, cause: operation.cause, at: now, writer)
        }
    }

    /// Creates a top-level task (`CREATING`, the create step pending); refuses a name a live task of the project has.
    public func create(_ record: JobRecord, config: String?, fault: Fault?, project: String) async throws -> Result<LifeTask, ItemError> {
        try await store.write(project: project) { writer in
            try await writer.lockName(record.name)
            if try await writer.nameTaken(record.name, except: nil) { return .failure(ItemError(.nameTaken)) }
            let now = clock()
            var record = record
            record.createTime = now
            let created = Lifecycle.created(record, at: now, durations: durations, fault: fault)
            let key = try await writer.insert(created.record)
            let task = StoredTask(key: key, parentKey: nil, record: created.record)
            try await writer.storeLife(StoredLife(state: created.life, config: config), of: task)
            try await writer.appendLog(task, time: now, cause: .create)
            return .success(created)
        }
    }

    /// Modifies a task (§6.8): applied whole or not at all; a configuration change invalidates a passed pre-check.
    public func modify(_ item: ModifyItem, project: String) async throws -> Result<LifeTask, ItemError> {
        try await store.write(project: project) { writer in
            guard let task = try await writer.find(id: item.id) else { return .failure(ItemError(.notFound)) }
            let stored = try await load(task, writer)
            var current = stored.task
            let now = clock()
            if let refusal = Lifecycle.refusal(of: .modify(configuration: item.isConfiguration), on: current, at: now) {
                return .failure(refusal)
            }
            guard !item.isEmpty else { return .success(current) }
            var config = TaskConfig(text: stored.config)
            if let error = item.apply(to: &current.record, config: &config) { return .failure(error) }
            if let name = item.name, JobQuery.fold(name) != JobQuery.fold(task.record.name) {
                try await writer.lockName(name)
                if try await writer.nameTaken(name, except: task.key) { return .failure(ItemError(.nameTaken)) }
            }
            if item.isConfiguration { current.life.precheck?.current = false }
            if item.source != nil || item.target != nil { current.life.endpointsUpdated = now }
            current.life.updateTime = now
            current.life.version += 1
            try await save(current, over: task, config: config.text, cause: nil, at: now, writer)
            return .success(current)
        }
    }

    /// The connection test of one task (§6.5): allowed in `CONFIGURATION`; an armed `connection` fault fires (and is
    /// disarmed) for every item of the task in the request: the fault is returned.
    public func testConnection(id: String, project: String) async throws -> Result<Fault?, ItemError> {
        try await store.write(project: project) { writer in
            guard let task = try await writer.find(id: id) else { return .failure(ItemError(.notFound)) }
            let stored = try await load(task, writer)
            var current = stored.task
            if let refusal = Lifecycle.refusal(of: .testConnection, on: current, at: clock()) { return .failure(refusal) }
            guard let fault = current.life.fault, fault.at == .connection else { return .success(nil) }
            current.life.fault = nil
            current.life.version += 1
            try await writer.storeLife(StoredLife(state: current.life, config: stored.config), of: task)
            return .success(fault)
        }
    }

    /// A task as the lifecycle sees it: its stored state (or the one an imported task's status implies) and its kept
    /// keys.
    private func load(_ task: StoredTask, _ writer: any TaskWriter) async throws -> (task: LifeTask, config: String?) {
        let stored = try await writer.life(of: task)
        return (LifeTask(record: task.record, life: stored?.state ?? .imported(task.record)), stored?.config)
    }

    /// Writes a changed task: its record (totals follow), its state, and a log line when its status or
    /// `current_action` changed.
    func save(_ next: LifeTask, over task: StoredTask, config: String?, cause: LifeCause?, at time: Int64, _ writer: any TaskWriter) async throws {
        if next.record != task.record { try await writer.update(task, to: next.record) }
        try await writer.storeLife(StoredLife(state: next.life, config: config), of: task)
        let moved = next.record.status != task.record.status || next.record.currentAction != task.record.currentAction
        if moved, let cause {
            try await writer.appendLog(StoredTask(key: task.key, parentKey: task.parentKey, record: next.record), time: time, cause: cause)
        }
    }

    // MARK: Faults and history

    /// Arms (or, with nil, disarms) a one-shot fault on a task that is not deleted.
    public func arm(_ fault: Fault?, id: String, project: String) async throws -> Result<Void, ItemError> {
        try await store.write(project: project) { writer in
            guard let task = try await writer.find(id: id) else { return .failure(ItemError(.notFound)) }
            guard task.record.status != .deleted else { return .failure(ItemError(.deleted)) }
            let stored = try await load(task, writer)
            var current = stored.task
            Lifecycle.arm(fault, on: &current, at: clock())
            try await writer.storeLife(StoredLife(state: current.life, config: stored.config), of: task)
            return .success(())
        }
    }

    /// The task's transition log, oldest first; nil when the project has no such task.
    public func history(id: String, project: String) async throws -> [LifeLogEntry]? {
        try await store.write(project: project) { writer in
            guard let task = try await writer.find(id: id) else { return nil }
            return try await writer.history(of: task)
        }
    }

    /// The tasks with these IDs and their lifecycle, for the reads (status, detail, progress, pre-check result).
    public func views(ids: [String], project: String) async throws -> [String: LifeView] {
        try await store.lifeTasks(ids: ids, project: project).mapValues { snapshot in
            LifeView(
                task: LifeTask(record: snapshot.task.record, life: snapshot.life?.state ?? .imported(snapshot.task.record)),
                config: TaskConfig(text: snapshot.life?.config),
                parentID: snapshot.parentID
            )
        }
    }

    /// The tasks with these IDs and their lifecycle state.
    public func snapshots(ids: [String], project: String) async throws -> [String: LifeTask] {
        try await views(ids: ids, project: project).mapValues(\.task)
    }

    // MARK: Simulator

    /// Steps read per round of the start-up catch-up.
    public static let roundSize = 500

    /// One round: applies the steps due now (at most `limit`, oldest due first), each in its own transaction, at most
    /// one per task. Returns how many were applied.
    @discardableResult
    public func round(limit: Int = TaskLifecycle.roundSize) async throws -> Int {
        try await measuredRound(limit: limit).applied
    }

    /// A round, with how late its oldest due step was (milliseconds; 0 when nothing was due).
    public func measuredRound(limit: Int = TaskLifecycle.roundSize) async throws -> (applied: Int, lagMilliseconds: Int64) {
        let now = clock()
        let steps = try await store.dueSteps(at: now, limit: limit)
        var applied = 0
        for step in steps where try await apply(step) {
            applied += 1
        }
        return (applied, steps.map { now - $0.due }.max() ?? 0)
    }

    /// Applies one due step, if the task still has it at the same version. A step takes its due time.
    func apply(_ step: DueStep) async throws -> Bool {
        let done = try await store.writeDue(step) { writer, task -> Bool in
            guard let stored = try await writer.life(of: task), let pending = stored.state.step else { return false }
            var next = LifeTask(record: task.record, life: stored.state)
            Lifecycle.applyStep(to: &next, durations: durations)
            try await save(next, over: task, config: stored.config, cause: .simulator, at: pending.due, writer)
            return true
        }
        return done ?? false
    }

    /// Rounds back to back until nothing is due (start-up catch-up).
    public func catchUp() async throws {
        while try await round() > 0 {}
    }
}

/// A task as the lifecycle's reads answer it: record and state, kept keys, parent.
public struct LifeView: Sendable {
    public var task: LifeTask
    public var config: TaskConfig
    public var parentID: String?
}
