import DRSDomain
import PostgresNIO

/// The lifecycle's part of the PostgreSQL write path: simulator state, transition logs, name checks.
extension PostgresTaskWriter {
    func life(of task: StoredTask) async throws -> StoredLife? {
        let rows = try await all(PostgresStatement("SELECT state, config FROM task_life WHERE pk = \(bind: task.key)"))
        guard let row = rows.first else { return nil }
        let (state, config) = try row.decode((String, String?).self)
        return StoredLife(state: try LifeCodec.decode(state), config: config)
    }

    func storeLife(_ life: StoredLife, of task: StoredTask) async throws { try await storeLife(life, key: task.key) }

    func storeLife(_ life: StoredLife, key: Int64) async throws {
        let state = try LifeCodec.encode(life.state)
        let step = life.state.step.map { Int64($0.kind.code) } ?? Self.null
        let due = life.state.step?.due ?? Self.null
        try await run(
            PostgresStatement(
                """
                INSERT INTO task_life (pk, tenant, version, step, due_ms, state, config)
                    VALUES (\(bind: key), \(bind: tenant), \(bind: life.state.version), NULLIF(\(bind: step), \(bind: Self.null)),
                        NULLIF(\(bind: due), \(bind: Self.null)), \(bind: state), NULLIF(\(bind: life.config ?? ""), ''))
                    ON CONFLICT (pk) DO UPDATE SET version = excluded.version, step = excluded.step, due_ms = excluded.due_ms,
                        state = excluded.state, config = excluded.config
                """
            )
        )
    }

    func appendLog(_ task: StoredTask, time: Int64, cause: LifeCause) async throws {
        let action = task.record.currentAction.map { Int64($0.code) } ?? Self.null
        try await run(
            PostgresStatement(
                """
                INSERT INTO task_log (pk, seq, time_ms, status, current_action, cause)
                    SELECT \(bind: task.key), coalesce(max(seq), 0) + 1, \(bind: time), \(bind: Int64(task.record.status.code)),
                        NULLIF(\(bind: action), \(bind: Self.null)), \(bind: Int64(cause.code))
                    FROM task_log WHERE pk = \(bind: task.key)
                """
            )
        )
    }

    func history(of task: StoredTask) async throws -> [LifeLogEntry] {
        let rows = try await all(
            PostgresStatement(
                "SELECT seq, time_ms, status::int8, current_action::int8, cause::int8 FROM task_log WHERE pk = \(bind: task.key) ORDER BY seq"
            )
        )
        return try rows.map { row in
            let (seq, time, status, action, cause) = try row.decode((Int64, Int64, Int64, Int64?, Int64).self)
            return try LifeCodec.entry(seq: seq, time: time, status: status, currentAction: action, cause: cause)
        }
    }

    /// Candidates through each live lane's name grams, compared whole.
    func nameTaken(_ name: String, except key: Int64?) async throws -> Bool {
        let folded = JobQuery.fold(name)
        guard !folded.isEmpty else { return false }
        for lane in LifeCodec.liveLanes {
            let scope = Lane.nameScope(tenant: tenant, lane: lane)
            let rows = try await all(
                PostgresStatement(
                    """
                    SELECT 1 FROM task_names n WHERE n.tenant = \(bind: tenant) AND n.lane = \(bind: Int64(lane))
                        AND \(raw: PostgresQueryPlan.nameGrams("n")) @> drs_query_grams(\(bind: scope), \(bind: folded)) AND n.name_folded = \(bind: folded)
                        AND n.pk <> \(bind: key ?? Int64.min) LIMIT 1
                    """
                )
            )
            if !rows.isEmpty { return true }
        }
        return false
    }

    /// A transaction-scoped advisory lock on the tenant and the folded name: creates and renames of different names
    /// run side by side; two of the same name wait for each other, and the second then sees the first's task.
    func lockName(_ name: String) async throws {
        let key = "drs-name|\(tenant)|" + JobQuery.fold(name)
        try await run(PostgresStatement("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))"))
    }

    /// The first line of imported tasks' logs.
    func logImport(_ keys: [Int64], at time: Int64) async throws {
        try await run(
            PostgresStatement(
                """
                INSERT INTO task_log (pk, seq, time_ms, status, current_action, cause)
                    SELECT pk, 1, \(bind: time), status, current_action, \(bind: Int64(LifeCause.import.code)) FROM tasks WHERE pk = ANY(\(bind: keys))
                """
            )
        )
    }

    /// Drops removed tasks' lifecycle rows.
    func removeLife(keys: [Int64]) async throws {
        try await run(PostgresStatement("DELETE FROM task_life WHERE pk = ANY(\(bind: keys))"))
        try await run(PostgresStatement("DELETE FROM task_log WHERE pk = ANY(\(bind: keys))"))
    }

    /// The task with this key, locked.
    func find(key: Int64) async throws -> StoredTask? {
        try await stored(
            PostgresStatement("SELECT 0, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.pk = \(bind: key) FOR UPDATE")
        ).first
    }
}

extension PostgresStore {
    public func dueSteps(at now: Int64, limit: Int) async throws -> [DueStep] {
        let rows = try await rows(
            PostgresStatement(
                "SELECT pk, version, due_ms FROM task_life WHERE step IS NOT NULL AND due_ms <= \(bind: now) ORDER BY due_ms LIMIT \(bind: Int64(limit))"
            )
        )
        return try rows.map { row in
            let (key, version, due) = try row.decode((Int64, Int64, Int64).self)
            return DueStep(key: key, version: version, due: due)
        }
    }

    /// Locks the task's row first (as operations do), skipping it when another transaction holds it.
    public func writeDue<T: Sendable>(_ step: DueStep, _ body: (any TaskWriter, StoredTask) async throws -> T) async throws -> T? {
        try await transaction { connection -> T? in
            let found = try await PreparedStatements.all(
                PostgresStatement(
                    """
                    SELECT t.tenant FROM tasks t JOIN task_life l ON l.pk = t.pk
                        WHERE t.pk = \(bind: step.key) AND l.version = \(bind: step.version) AND l.step IS NOT NULL
                        FOR UPDATE OF t SKIP LOCKED
                    """
                ),
                on: connection,
                logger: logger
            )
            guard let row = found.first else { return nil }
            let tenant = try row.decode(Int64.self)
            let writer = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            guard let task = try await writer.find(key: step.key) else { return nil }
            let result = try await body(writer, task)
            try await writer.finish()
            return result
        }
    }
}

extension PostgresStore {
    public func lifeTasks(ids: [String], project: String) async throws -> [String: LifeSnapshot] {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            guard let tenant = try await tenant(project, connection) else { return [:] }
            let reader = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            let tasks = try await reader.stored(
                PostgresStatement(
                    "SELECT 0, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.id = ANY(\(bind: ids)) AND t.tenant = \(bind: tenant)"
                )
            )
            let rows = try await reader.all(
                PostgresStatement("SELECT pk, state, config FROM task_life WHERE pk = ANY(\(bind: tasks.map(\.key)))")
            )
            var lives: [Int64: StoredLife] = [:]
            for row in rows {
                let (key, state, config) = try row.decode((Int64, String, String?).self)
                lives[key] = StoredLife(state: try LifeCodec.decode(state), config: config)
            }
            let parentRows = try await reader.all(
                PostgresStatement("SELECT pk, id FROM tasks WHERE pk = ANY(\(bind: tasks.compactMap(\.parentKey)))")
            )
            var parents: [Int64: String] = [:]
            for row in parentRows {
                let (key, id) = try row.decode((Int64, String).self)
                parents[key] = id
            }
            var found: [String: LifeSnapshot] = [:]
            for task in tasks {
                found[task.record.id] = LifeSnapshot(task: task, life: lives[task.key], parentID: task.parentKey.flatMap { parents[$0] })
            }
            return found
        }
    }
}
