import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Synchronization
import Testing

/// The lifecycle over both stores: operations, the simulator's rounds, logs, totals, names, subtasks, faults.
@Suite struct LifecycleStoreTests {
    static let project = Fixture.projectA

    static func withLifecycle<T: Sendable>(
        _ kind: StoreKind,
        _ body: (TaskLifecycle, ManualClock, any Store) async throws -> T
    ) async throws -> T {
        try await kind.withFreshStore { store in
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.createProject(id: Fixture.projectB, name: "B")
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            try await store.importJobs(Fixture.tasksB, project: Fixture.projectB)
            let clock = ManualClock()
            let lifecycle = TaskLifecycle(store: store, durations: .standard, clock: { clock.now })
            return try await body(lifecycle, clock, store)
        }
    }

    static func newTask(_ name: String, type: TaskType = .fullIncrTrans, use: DBUseType = .migration) -> JobRecord {
        var record = JobRecord(
            id: JobID.generate(),
            name: name,
            status: .creating,
            createTime: 0,
            engineType: use == .cloudDataGuard ? .cloudDataGuardMySQL : .mysql,
            netType: .eip,
            jobDirection: .up,
            dbUseType: use,
            taskType: type
        )
        record.description = "made by a test"
        return record
    }

    /// `total_record` for a status (nil: no status filter) of one scenario, every engine.
    static func total(_ store: any Store, _ use: DBUseType, _ status: JobStatus? = nil) async throws -> Int {
        var query = JobQuery(dbUseType: use)
        query.engineType = nil
        query.status = status
        return try await store.count(query, project: project)
    }

    static func status(_ lifecycle: TaskLifecycle, _ id: String) async throws -> LifeTask {
        try #require(try await lifecycle.snapshots(ids: [id], project: project)[id])
    }

    static func created(_ lifecycle: TaskLifecycle, _ record: JobRecord, fault: Fault? = nil) async throws -> LifeTask {
        try await lifecycle.create(record, config: nil, fault: fault, project: project).get()
    }

    /// Advances the clock by `milliseconds`, then runs rounds until nothing more is due.
    static func pass(_ milliseconds: Int64, _ lifecycle: TaskLifecycle, _ clock: ManualClock) async throws {
        clock.advance(milliseconds)
        try await lifecycle.catchUp()
    }

    @Test(arguments: StoreKind.allCases)
    func theWalkOfTheSDKExample(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, store in
            let before = try await Self.total(store, .migration)
            let task = try await Self.created(lifecycle, Self.newTask("DRS-demo-1"))
            #expect(task.record.status == .creating)
            #expect(try await Self.total(store, .migration) == before + 1)
            #expect(try await Self.total(store, .migration, .creating) == 1)
            let id = task.record.id

            // Not due yet: nothing moves.
            try await Self.pass(2_999, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).record.status == .creating)
            try await Self.pass(1, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).record.status == .configuration)
            #expect(try await Self.total(store, .migration, .creating) == 0)

            // A start needs a passed pre-check.
            let refused = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: id, project: Self.project)
            #expect(refused == .failure(ItemError(.notAllowed, reason: .precheckNotPassed)))
            _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: Self.project).get()
            let early = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: id, project: Self.project)
            #expect(early == .failure(ItemError(.notAllowed, reason: .precheckNotPassed)))
            try await Self.pass(3_000, lifecycle, clock)
            let started = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: id, project: Self.project)
            #expect(try started.get().record.status == .startJobing)

            try await Self.pass(3_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).record.status == .fullTransferStarted)
            try await Self.pass(15_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).life.progress(at: clock.now) == 50)
            try await Self.pass(15_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).record.status == .fullTransferComplete)
            try await Self.pass(3_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, id).record.status == .increTransferStarted)
            #expect(try await Self.total(store, .migration, .increTransferStarted) == 1)
            #expect(try await Self.total(store, .migration) == before + 1)

            let log = try #require(try await lifecycle.history(id: id, project: Self.project))
            #expect(log.map(\.seq) == Array(1...6))
            #expect(
                log.map(\.status) == [.creating, .configuration, .startJobing, .fullTransferStarted, .fullTransferComplete, .increTransferStarted]
            )
            #expect(log.map(\.cause) == [.create, .simulator, .start, .simulator, .simulator, .simulator])
            // Steps take their due times, measured from stored times.
            let created = log[0].time
            #expect(log.map { $0.time - created } == [0, 3_000, 6_000, 9_000, 39_000, 42_000])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pauseFreezesTheFullPhaseAndResumeContinuesIt(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, store in
            // An imported task in the full phase moves once an operation is applied to it.
            var record = Self.newTask("paused one", type: .fullTrans)
            record.status = .increTransferStarted
            record.createTime = 1_600_000_000_000
            try await store.importJobs([record], project: Self.project)
            _ = try await lifecycle.operate(.pause(mode: "all"), id: record.id, project: Self.project).get()
            #expect(try await Self.status(lifecycle, record.id).record.currentAction == .stopJob)
            let busy = try await lifecycle.operate(.retry, id: record.id, project: Self.project)
            #expect(busy == .failure(ItemError(.busy)))
            try await Self.pass(2_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, record.id).record.status == .pausing)
            _ = try await lifecycle.operate(.retry, id: record.id, project: Self.project).get()
            try await Self.pass(3_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, record.id).record.status == .increTransferStarted)

            // A new full task: paused at 10 s of 30, resumed, completes 20 s after it runs again.
            let task = try await Self.created(lifecycle, Self.newTask("full", type: .fullTrans))
            try await Self.pass(3_000, lifecycle, clock)
            _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: task.record.id, project: Self.project).get()
            try await Self.pass(3_000, lifecycle, clock)
            _ = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: task.record.id, project: Self.project)
                .get()
            try await Self.pass(3_000 + 10_000, lifecycle, clock)
            _ = try await lifecycle.operate(.pause(mode: "all"), id: task.record.id, project: Self.project).get()
            try await Self.pass(60_000, lifecycle, clock)
            let paused = try await Self.status(lifecycle, task.record.id)
            #expect(paused.record.status == .pausing)
            #expect(paused.life.progress(at: clock.now) == 33)
            _ = try await lifecycle.operate(.retry, id: task.record.id, project: Self.project).get()
            try await Self.pass(3_000 + 19_999, lifecycle, clock)
            #expect(try await Self.status(lifecycle, task.record.id).record.status == .fullTransferStarted)
            try await Self.pass(1, lifecycle, clock)
            #expect(try await Self.status(lifecycle, task.record.id).record.status == .fullTransferComplete)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStartFaultFailsOnceAndRetryRecovers(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, _ in
            let task = try await Self.created(lifecycle, Self.newTask("faulty", type: .incrTrans), fault: Fault(at: .start))
            let id = task.record.id
            try await Self.pass(3_000, lifecycle, clock)
            _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: Self.project).get()
            try await Self.pass(3_000, lifecycle, clock)
            _ = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: id, project: Self.project).get()
            try await Self.pass(3_000, lifecycle, clock)
            let failed = try await Self.status(lifecycle, id)
            #expect(failed.record.status == .startJobFailed)
            #expect(failed.record.errorMessage == "Failed to start the task.")
            #expect(failed.life.fault == nil)
            _ = try await lifecycle.operate(.retry, id: id, project: Self.project).get()
            try await Self.pass(3_000, lifecycle, clock)
            let running = try await Self.status(lifecycle, id)
            #expect(running.record.status == .increTransferStarted)
            #expect(running.record.errorMessage == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func namesAreUniqueAmongLiveTasksCaseInsensitively(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, store in
            // "billing" is an imported task of the fixture; "Orders-Replica" a deleted one.
            let taken = try await lifecycle.create(Self.newTask("BILLING"), config: nil, fault: nil, project: Self.project)
            #expect(taken.map(\.record.id) == .failure(ItemError(.nameTaken)))
            let free = try await lifecycle.create(Self.newTask("orders-replica"), config: nil, fault: nil, project: Self.project)
            #expect((try? free.get()) != nil)
            let short = try await lifecycle.create(Self.newTask("Ab"), config: nil, fault: nil, project: Self.project)
            #expect((try? short.get()) != nil)
            let shortAgain = try await lifecycle.create(Self.newTask("aB"), config: nil, fault: nil, project: Self.project)
            #expect(shortAgain.map(\.record.id) == .failure(ItemError(.nameTaken)))
            // Another project's names do not count.
            let other = try await lifecycle.create(Self.newTask("billing"), config: nil, fault: nil, project: Fixture.projectB)
            #expect((try? other.get()) != nil)

            // Deleting frees the name and hides the task from the query.
            let task = try await Self.created(lifecycle, Self.newTask("to delete"))
            try await Self.pass(3_000, lifecycle, clock)
            let before = try await Self.total(store, .migration)
            _ = try await lifecycle.operate(.terminate, id: task.record.id, project: Self.project).get()
            let busy = try await lifecycle.operate(.delete, id: task.record.id, project: Self.project)
            #expect(busy == .failure(ItemError(.notAllowed)))
            try await Self.pass(3_000, lifecycle, clock)
            _ = try await lifecycle.operate(.delete, id: task.record.id, project: Self.project).get()
            #expect(try await Self.total(store, .migration) == before - 1)
            #expect(try await Self.total(store, .migration, .deleted) == 1)
            let gone = try await lifecycle.operate(.delete, id: task.record.id, project: Self.project)
            #expect(gone == .failure(ItemError(.deleted)))
            let again = try await lifecycle.create(Self.newTask("TO DELETE"), config: nil, fault: nil, project: Self.project)
            #expect((try? again.get()) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anotherProjectsTaskIsNotFoundAndUnchanged(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, _, _ in
            let idOfB = Fixture.tasksB[0].id
            let answer = try await lifecycle.operate(.forceTerminate, id: idOfB, project: Self.project)
            #expect(answer == .failure(ItemError(.notFound)))
            #expect(try await lifecycle.snapshots(ids: [idOfB], project: Self.project).isEmpty)
            let own = try #require(try await lifecycle.snapshots(ids: [idOfB], project: Fixture.projectB)[idOfB])
            #expect(own.record == Fixture.tasksB[0])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func forceTerminateReachesTheSubtasksItMayAndIsIdempotent(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, _ in
            // a06 (CREATE_FAILED) has children in CHILD_TRANSFER_STARTED and CHILD_TRANSFER_FAILED.
            let first = try await lifecycle.operate(.forceTerminate, id: "a06", project: Self.project).get()
            #expect(first.record.status == .releaseResourceStarted)
            let children = try await lifecycle.snapshots(ids: ["a06-c1", "a06-c2"], project: Self.project)
            #expect(children.values.map(\.record.status) == [.releaseResourceStarted, .releaseResourceStarted])
            let second = try await lifecycle.operate(.forceTerminate, id: "a06", project: Self.project).get()
            #expect(second.life.version == first.life.version)
            try await Self.pass(3_000, lifecycle, clock)
            #expect(try await Self.status(lifecycle, "a06").record.status == .releaseResourceComplete)
            let log = try #require(try await lifecycle.history(id: "a06-c1", project: Self.project))
            #expect(log.map(\.cause) == [.import, .forceTerminate, .simulator])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStepAtAnOldVersionIsNotApplied(kind: StoreKind) async throws {
        try await Self.withLifecycle(kind) { lifecycle, clock, store in
            let task = try await Self.created(lifecycle, Self.newTask("race"))
            clock.advance(3_000)
            let due = try await store.dueSteps(at: clock.now, limit: 10)
            #expect(due.count == 1)
            // An operation changes the task between the simulator's read and its write.
            _ = try await lifecycle.operate(.forceTerminate, id: task.record.id, project: Self.project).get()
            let applied = try await store.writeDue(due[0]) { _, _ in true }
            #expect(applied == nil)
            #expect(try await Self.status(lifecycle, task.record.id).record.status == .releaseResourceStarted)
        }
    }
}
