import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Testing

/// `lifecycle.md` §7 on both stores: each of the seven faults fails its step once, with its message; the next attempt
/// succeeds; `--clear` disarms.
@Suite struct FaultTests {
    typealias T = LifecycleStoreTests
    static let project = Fixture.projectA
    static let now = StartOptions(autoCreateCompare: nil)

    /// A new task, in CONFIGURATION with a passed pre-check.
    static func ready(
        _ lifecycle: TaskLifecycle,
        _ clock: ManualClock,
        _ name: String,
        type: TaskType = .fullIncrTrans,
        fault: Fault? = nil
    )
        async throws -> String
    {
        let id = try await T.created(lifecycle, T.newTask(name, type: type), fault: fault).record.id
        try await T.pass(3_000, lifecycle, clock)
        _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: project).get()
        try await T.pass(3_000, lifecycle, clock)
        return id
    }

    @Test(arguments: StoreKind.allCases)
    func createAndStartAndReleaseFaults(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, clock, _ in
            let created = try await T.created(lifecycle, T.newTask("create fault"), fault: Fault(at: .create))
            try await T.pass(3_000, lifecycle, clock)
            let failed = try await T.status(lifecycle, created.record.id)
            #expect(failed.record.status == .createFailed)
            #expect(failed.record.errorMessage == "Failed to create instance!")

            let id = try await Self.ready(lifecycle, clock, "release fault")
            _ = try await lifecycle.arm(Fault(at: .release, message: "custom words"), id: id, project: Self.project).get()
            _ = try await lifecycle.operate(.terminate, id: id, project: Self.project).get()
            try await T.pass(3_000, lifecycle, clock)
            let releaseFailed = try await T.status(lifecycle, id)
            #expect(releaseFailed.record.status == .releaseResourceFailed)
            #expect(releaseFailed.record.errorMessage == "custom words")
            _ = try await lifecycle.operate(.terminate, id: id, project: Self.project).get()
            try await T.pass(3_000, lifecycle, clock)
            let released = try await T.status(lifecycle, id)
            #expect(released.record.status == .releaseResourceComplete)
            #expect(released.record.errorMessage == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func connectionAndPrecheckFaultsFailOnce(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, clock, _ in
            let id = try await T.created(lifecycle, T.newTask("connection fault"), fault: Fault(at: .connection)).record.id
            try await T.pass(3_000, lifecycle, clock)
            #expect(try await lifecycle.testConnection(id: id, project: Self.project).get() == Fault(at: .connection))
            #expect(try await lifecycle.testConnection(id: id, project: Self.project).get() == nil)

            _ = try await lifecycle.arm(Fault(at: .precheck), id: id, project: Self.project).get()
            _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: Self.project).get()
            try await T.pass(3_000, lifecycle, clock)
            let run = try #require(try await T.status(lifecycle, id).life.precheck)
            #expect(run.failure == "The pre-check item failed.")
            let start = try await lifecycle.operate(.start(at: nil, options: Self.now), id: id, project: Self.project)
            #expect(start == .failure(ItemError(.notAllowed, reason: .precheckNotPassed)))
            _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: Self.project).get()
            try await T.pass(3_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).life.precheck?.failure == nil)
            _ = try await lifecycle.operate(.start(at: nil, options: Self.now), id: id, project: Self.project).get()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFullFaultFailsAtHalfAndRetryFinishes(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, clock, _ in
            let id = try await Self.ready(lifecycle, clock, "full fault", type: .fullTrans)
            _ = try await lifecycle.operate(.start(at: nil, options: Self.now), id: id, project: Self.project).get()
            try await T.pass(3_000 + 10_000, lifecycle, clock)
            // Armed while the full phase runs: it moves the phase's end to 50 %.
            _ = try await lifecycle.arm(Fault(at: .full), id: id, project: Self.project).get()
            try await T.pass(4_999, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .fullTransferStarted)
            try await T.pass(1, lifecycle, clock)
            let failed = try await T.status(lifecycle, id)
            #expect(failed.record.status == .fullTransferFailed)
            #expect(failed.record.errorMessage == "Full migration failed.")
            try await T.pass(60_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).life.progress(at: clock.now) == 50)
            _ = try await lifecycle.operate(.retry, id: id, project: Self.project).get()
            try await T.pass(3_000 + 15_000, lifecycle, clock)
            let done = try await T.status(lifecycle, id)
            #expect(done.record.status == .fullTransferComplete)
            #expect(done.record.errorMessage == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func incrementalFaultsFromTheTagAndWhileRunning(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, clock, _ in
            let id = try await Self.ready(lifecycle, clock, "incremental fault", type: .incrTrans, fault: Fault(at: .incremental))
            _ = try await lifecycle.operate(.start(at: nil, options: Self.now), id: id, project: Self.project).get()
            try await T.pass(3_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .increTransferStarted)
            try await T.pass(3_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .increTransferFailed)
            _ = try await lifecycle.operate(.retry, id: id, project: Self.project).get()
            try await T.pass(3_000 + 60_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .increTransferStarted)

            // Armed on a task already there: it fails d_start after arming; cleared before, nothing happens.
            _ = try await lifecycle.arm(Fault(at: .incremental), id: id, project: Self.project).get()
            _ = try await lifecycle.arm(nil, id: id, project: Self.project).get()
            try await T.pass(10_000, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .increTransferStarted)
            _ = try await lifecycle.arm(Fault(at: .incremental, message: "lost the binlog"), id: id, project: Self.project).get()
            try await T.pass(0, lifecycle, clock)
            try await T.pass(2_999, lifecycle, clock)
            #expect(try await T.status(lifecycle, id).record.status == .increTransferStarted)
            try await T.pass(1, lifecycle, clock)
            let failed = try await T.status(lifecycle, id)
            #expect(failed.record.status == .increTransferFailed)
            #expect(failed.record.errorMessage == "lost the binlog")
            let log = try #require(try await lifecycle.history(id: id, project: Self.project))
            #expect(log.map(\.seq) == Array(1...Int64(log.count)))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeletedTaskTakesNoFault(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, _, _ in
            let deleted = try await lifecycle.arm(Fault(at: .start), id: "a03", project: Self.project)
            #expect(throws: ItemError(.deleted)) { try deleted.get() }
            let missing = try await lifecycle.arm(Fault(at: .start), id: "missing", project: Self.project)
            #expect(throws: ItemError(.notFound)) { try missing.get() }
        }
    }
}
