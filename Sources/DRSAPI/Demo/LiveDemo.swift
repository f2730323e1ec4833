import DRSDomain
import DRSLifecycle
import DRSStorage
import Logging
import ServiceLifecycle

/// The moving part of `drs serve --demo`: a second project whose tasks go through the lifecycle (`lifecycle.md`
/// §12). `DRS-demo-live-1` is created, tested, pre-checked and started, and reaches incremental transfer;
/// `DRS-demo-live-2` carries a `drs-fault` tag and fails to start, so that a client can retry it
/// (`batch-retry-task`). A service of the application: it drives the tasks until both are started, then ends.
public struct LiveDemo: Service {
    public static let projectID = "6c1e9a3b5d7f4e2a8c0b1d3f5a7e9c21"
    public static let names = ["DRS-demo-live-1", "DRS-demo-live-2"]

    let lifecycle: TaskLifecycle
    let logger: Logger
    /// Opened once the project was created in this run (never on a database that already had it).
    public let gate = Gate()
    /// Opened when the project already existed: nothing to drive.
    public let closed = Gate()

    public init(lifecycle: TaskLifecycle, logger: Logger) {
        self.lifecycle = lifecycle
        self.logger = logger
    }

    /// Creates the project unless it exists; returns whether it did (then the driver may start).
    public static func seed(_ store: any Store) async throws -> Bool {
        guard try await !store.projectExists(projectID) else { return false }
        try await store.createProject(id: projectID, name: "demo-live")
        return true
    }

    /// The create items, as a client would send them.
    static let body = """
        {"jobs": [
          {"name": "DRS-demo-live-1", "db_use_type": "migration", "engine_type": "mysql", "job_direction": "up", "net_type": "eip",
           "bind_eip": true, "task_type": "FULL_INCR_TRANS", "customize_sutnet_id": "352ad828-3467-4f03-987a-c55a5a9dd417",
           "source_endpoint": {"db_type": "mysql", "ip": "192.0.2.10", "db_port": 3306, "db_user": "root"},
           "target_endpoint": {"db_type": "mysql", "ip": "198.51.100.7", "db_port": 3306, "db_user": "root", "region": "eu-de",
                               "inst_id": "e05a3679efe241d8b5dee80b17c1a863in01"}},
          {"name": "DRS-demo-live-2", "db_use_type": "sync", "engine_type": "postgresql", "job_direction": "down", "net_type": "vpc",
           "task_type": "INCR_TRANS", "customize_sutnet_id": "352ad828-3467-4f03-987a-c55a5a9dd417",
           "source_endpoint": {"db_type": "postgresql", "ip": "192.0.2.20", "db_port": 5432, "db_user": "replicator"},
           "target_endpoint": {"db_type": "postgresql", "ip": "198.51.100.20", "db_port": 5432, "db_user": "replicator"},
           "tags": [{"key": "drs-fault", "value": "start"}, {"key": "env", "value": "demo"}]}
        ]}
        """

    public func run() async throws {
        while !gate.isOpen {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            if closed.isOpen {
                try? await gracefulShutdown()
                return
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
        }
        do {
            try await drive()
        } catch {
            logger.error("the live demo stopped", metadata: ["error": "\(String(reflecting: error))"])
        }
        try? await gracefulShutdown()
    }

    private func drive() async throws {
        let project = Self.projectID
        var pending: [String] = []
        for item in try CreateJobRequest.parse(Array(Self.body.utf8)) {
            var record = item.record
            record.id = JobID.generate()
            let created = try await lifecycle.create(record, config: item.config.text, fault: item.fault.map { Fault(at: $0) }, project: project)
            if case .success(let task) = created { pending.append(task.record.id) }
        }
        // Configured: pre-check; pre-check passed: start. Until every task has started.
        while !pending.isEmpty && !Task.isShuttingDownGracefully && !Task.isCancelled {
            let tasks = try await lifecycle.snapshots(ids: pending, project: project)
            let now = lifecycle.clock()
            for id in pending {
                guard let task = tasks[id], task.record.status == .configuration else { continue }
                if let run = task.life.precheck, run.allowsStart(at: now) {
                    _ = try await lifecycle.operate(.start(at: nil, options: StartOptions(autoCreateCompare: nil)), id: id, project: project)
                    pending.removeAll { $0 == id }
                } else if task.life.precheck == nil {
                    _ = try await lifecycle.operate(.precheck(mode: "forStartJob"), id: id, project: project)
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
        }
    }
}
