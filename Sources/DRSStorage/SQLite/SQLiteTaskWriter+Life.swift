import DRSDomain
import DRSSQLite

/// The lifecycle's part of the SQLite write path: simulator state, transition logs, name checks.
extension SQLiteTaskWriter {
    static let lifeOf = SQL("SELECT state, config FROM task_life WHERE pk = ?1")
    static let storeLife = SQL(
        """
        INSERT INTO task_life (pk, tenant, version, step, due_ms, state, config) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (pk) DO UPDATE SET version = excluded.version, step = excluded.step, due_ms = excluded.due_ms,
                state = excluded.state, config = excluded.config
        """
    )
    static let appendLog = SQL(
        """
        INSERT INTO task_log (pk, seq, time_ms, status, current_action, cause)
            SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5 FROM task_log WHERE pk = ?1
        """
    )
    static let history = SQL("SELECT seq, time_ms, status, current_action, cause FROM task_log WHERE pk = ?1 ORDER BY seq")
    static let dropLife = [SQL("DELETE FROM task_life WHERE pk = ?1"), SQL("DELETE FROM task_log WHERE pk = ?1")]
    static let namesMatching = SQL("SELECT rowid FROM task_names WHERE task_names MATCH ?1")
    static let nameOfKey = SQL("SELECT name FROM tasks WHERE pk = ?1")

    func life(of task: StoredTask) async throws -> StoredLife? { try storedLife(key: task.key) }

    func storedLife(key: Int64) throws -> StoredLife? {
        try db.withStatement(Self.lifeOf) { statement in
            statement.bind(1, key)
            guard try statement.step() else { return nil }
            return StoredLife(state: try LifeCodec.decode(statement.text(0) ?? ""), config: statement.text(1))
        }
    }

    func storeLife(_ life: StoredLife, of task: StoredTask) async throws { try storeLifeRow(life, key: task.key) }

    func storeLifeRow(_ life: StoredLife, key: Int64) throws {
        let state = try LifeCodec.encode(life.state)
        try db.withStatement(Self.storeLife) { statement in
            statement.bind(1, key)
            statement.bind(2, tenant)
            statement.bind(3, life.state.version)
            statement.bind(4, life.state.step.map { Int64($0.kind.code) })
            statement.bind(5, life.state.step?.due)
            statement.bind(6, state)
            statement.bind(7, life.config)
            try statement.run()
        }
    }

    func appendLog(_ task: StoredTask, time: Int64, cause: LifeCause) async throws {
        try db.withStatement(Self.appendLog) { statement in
            statement.bind(1, task.key)
            statement.bind(2, time)
            statement.bind(3, Int64(task.record.status.code))
            statement.bind(4, task.record.currentAction.map { Int64($0.code) })
            statement.bind(5, Int64(cause.code))
            try statement.run()
        }
    }

    func history(of task: StoredTask) async throws -> [LifeLogEntry] {
        try db.withStatement(Self.history) { statement in
            statement.bind(1, task.key)
            var entries: [LifeLogEntry] = []
            while try statement.step() {
                entries.append(
                    try LifeCodec.entry(
                        seq: statement.int64(0),
                        time: statement.int64(1),
                        status: statement.int64(2),
                        currentAction: statement.optionalInt64(3),
                        cause: statement.int64(4)
                    )
                )
            }
            return entries
        }
    }

    /// Candidates from the name index of each live lane (every name containing this one), compared whole.
    func nameTaken(_ name: String, except key: Int64?) async throws -> Bool {
        let folded = JobQuery.fold(name)
        guard !folded.isEmpty, !folded.utf8.contains(0) else { return false }
        for lane in LifeCodec.liveLanes {
            let match = SQLiteQueryPlan.nameMatch(scope: Lane.nameScope(tenant: tenant, lane: lane), folded: folded)
            var candidates: [Int64] = []
            try db.withStatement(Self.namesMatching) { statement in
                statement.bind(1, match)
                while try statement.step() { candidates.append(statement.int64(0)) }
            }
            for candidate in candidates where candidate != key {
                let same = try db.withStatement(Self.nameOfKey) { statement in
                    statement.bind(1, candidate)
                    return try statement.step() && JobQuery.fold(statement.text(0) ?? "") == folded
                }
                if same { return true }
            }
        }
        return false
    }

    /// The write transaction already holds the database's only write lock.
    func lockName(_ name: String) async throws {}

    static let logImport = SQL("INSERT INTO task_log (pk, seq, time_ms, status, current_action, cause) VALUES (?1, 1, ?2, ?3, ?4, ?5)")

    /// The first line of an imported task's log.
    func logImport(_ record: JobRecord, key: Int64, at time: Int64) throws {
        try db.withStatement(Self.logImport) { statement in
            statement.bind(1, key)
            statement.bind(2, time)
            statement.bind(3, Int64(record.status.code))
            statement.bind(4, record.currentAction.map { Int64($0.code) })
            statement.bind(5, Int64(LifeCause.import.code))
            try statement.run()
        }
    }

    /// Drops a removed task's lifecycle rows.
    func removeLife(key: Int64) throws {
        for sql in Self.dropLife {
            try db.withStatement(sql) {
                $0.bind(1, key)
                try $0.run()
            }
        }
    }
}
