import DRSDomain
import DRSStorage

/// The demo project of `drs serve --demo`: the reference page's example tasks, plus generated ones that make
/// the page's totals (7 migration, 18 synchronization tasks) and paging visible, and show the other filters.
public enum DemoProject {
    public static let id = "054ba152d480d55b2f5dc0069e7ddef0"

    /// Creates the project and its tasks unless the project exists. Returns whether it seeded.
    @discardableResult
    public static func seed(_ store: any Store) async throws -> Bool {
        guard try await !store.projectExists(id) else { return false }
        try await store.createProject(id: id, name: "demo")
        try await store.importJobs(try records(), project: id)
        return true
    }

    /// Every demo task.
    public static func records() throws -> [JobRecord] {
        try JobImport.parse(Array(ReferenceExamples.json.utf8), now: Timestamp.milliseconds("2020-12-21 00:00:00")!) + generated()
    }

    /// Older than every reference example, so that the reference tasks fill the first page.
    static func generated() -> [JobRecord] {
        var jobs: [JobRecord] = []
        // Two more migration tasks: the page says total_record 7.
        for (index, status) in [JobStatus.fullTransferStarted, .waitingForStart].enumerated() {
            jobs.append(
                make(
                    id: "5e0c7a11-3d2f-4c4e-9a51-0d8c2e\(index)jb101",
                    name: "DRS-demo-migration-\(index + 1)",
                    status: status,
                    createTime: "2020-12-1\(index) 09:00:00",
                    dbUseType: .migration
                )
            )
        }
        // Thirteen more synchronization tasks (the page says total_record 18), and a deleted one that is not counted. Two carry the IDs of the
        // page's multi-ID example, two the instance IDs and IP of its instance examples.
        let syncStatuses: [JobStatus] = [
            .increTransferStarted, .fullTransferComplete, .startJobFailed, .pausing, .fullTransferFailed, .releaseResourceFailed,
            .childTransferStarted, .nodeUpgradeComplete, .changeJobFailed, .rebuildNodeFailed, .creating, .startJobing, .releaseChildTransferComplete,
            .deleted,
        ]
        for (index, status) in syncStatuses.enumerated() {
            let id: String
            switch index {
            case 0: id = "bee869bc-15c0-4b3b-a34b-bf0d5efjb201"
            case 1: id = "c2a61a77-6e55-4cd8-8be1-a562cc6jb201"
            default: id = "6a1f0d3e-8b7c-4e2a-b5d9-3c4e5f\(String(index, radix: 16))jb201"
            }
            var job = make(
                id: id,
                name: "DRS-demo-sync-\(index + 1)",
                status: status,
                createTime: "2020-12-20 \(10 + index):00:00",
                dbUseType: .sync
            )
            if index == 2 {
                job.sourceInstance = JobRecord.Instance(id: "id1", ip: "127.0.0.1")
                job.tags = [JobRecord.Tag(key: "env", value: "test")]
            }
            if index == 3 { job.targetInstance = JobRecord.Instance(id: "id2", ip: "192.0.2.10") }
            if index == 4 { job.tags = [JobRecord.Tag(key: "env", value: "prod")] }
            jobs.append(job)
        }
        // Disaster recovery: a task with subtasks, and a yearly/monthly one in a switchover.
        var recovery = make(
            id: "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb301",
            name: "DRS-demo-dr-1",
            status: .increTransferStarted,
            createTime: "2020-12-20 08:00:00",
            dbUseType: .cloudDataGuard,
            engine: .cloudDataGuardMySQL
        )
        recovery.children = [
            make(
                id: "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb302",
                name: "DRS-demo-dr-1-child-1",
                status: .childTransferStarted,
                createTime: "2020-12-20 08:05:00",
                dbUseType: .cloudDataGuard,
                engine: .cloudDataGuardMySQL
            ),
            make(
                id: "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb303",
                name: "DRS-demo-dr-1-child-2",
                status: .childTransferFailed,
                createTime: "2020-12-20 08:06:00",
                dbUseType: .cloudDataGuard,
                engine: .cloudDataGuardMySQL
            ),
        ]
        recovery.children[1].errorMessage = "subtask failed: target instance unreachable"
        jobs.append(recovery)
        var period = make(
            id: "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb304",
            name: "DRS-demo-dr-2",
            status: .increTransferStarted,
            createTime: "2020-12-20 07:00:00",
            dbUseType: .cloudDataGuard,
            engine: .cloudDataGuardMySQL
        )
        period.chargingMode = .period
        period.currentAction = .switchOver
        jobs.append(period)
        return jobs
    }

    private static func make(
        id: String,
        name: String,
        status: JobStatus,
        createTime: String,
        dbUseType: DBUseType,
        engine: EngineType = .mysql
    ) -> JobRecord {
        JobRecord(
            id: id,
            name: name,
            status: status,
            createTime: Timestamp.milliseconds(createTime)!,
            engineType: engine,
            netType: .eip,
            jobDirection: .up,
            dbUseType: dbUseType,
            taskType: .fullIncrTrans
        )
    }
}
