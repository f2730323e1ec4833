import DRSDomain
import DRSSQLite

extension SQLiteStore {
    /// Keys a page walks on the caller's thread before the rest of the walk moves to a pool thread.
    static let inlineBudget = 2_000

    public func page<T>(
        _ query: JobQuery,
        offset: Int,
        limit: Int,
        project: String,
        _ body: (_ total: Int, _ rows: any TaskRowCursor) throws -> T
    ) async throws -> T {
        try await readTransaction { db in
            guard let tenant = try tenant(project, db) else { return try body(0, try SQLiteRowCursor(db, keys: [])) }
            let plan = SQLiteQueryPlan(query, tenant: tenant)
            let names = try await plan.nameMatches(db, names: nameIndex, pool: pool)
            var total = try plan.count(db, cache: facetCache, names: names)
            var keys: [Int64] = []
            if total.map({ offset < $0 && limit > 0 }) ?? true {
                let (window, overflow) = offset.addingReportingOverflow(limit)
                let source = try plan.keys(db, names: names, window: overflow ? nil : window)
                let walk = PageWalk(source, offset: offset, limit: limit, counts: total == nil)
                if try !walk.run(budget: Self.inlineBudget) {
                    _ = try await pool.onThread(db) { _ in try walk.run() }
                }
                keys = try walk.page(db)
                total = total ?? walk.walked
            }
            return try body(total ?? 0, try SQLiteRowCursor(db, keys: keys))
        }
    }

    /// Runs `body` in one read transaction (one snapshot) on a pooled connection. Everything `body` makes from the
    /// connection is gone when it returns, before the connection goes back to the pool.
    func readTransaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await retryingBusy {
            try await pool.withConnection { (db: SQLiteConnection) async throws -> T in
                try db.withStatement(SQLiteStore.begin) { try $0.run() }
                defer { try? db.withStatement(SQLiteStore.commit) { try $0.run() } }
                return try await body(db)
            }
        }
    }

    public func streamAll<R: Sendable>(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        render: @escaping @Sendable (any TaskRowCursor) throws -> R,
        emit: (R) async throws -> Void
    ) async throws {
        try await readTransaction { db in
            guard let tenant = try tenant(project, db) else { return try await onTotal(0) }
            let plan = SQLiteQueryPlan(query, tenant: tenant)
            let names = try await plan.nameMatches(db, names: nameIndex, pool: pool)
            let total: Int
            if let cheap = try plan.count(db, cache: facetCache, names: names) {
                total = cheap
            } else {
                let counting = PageWalk(try plan.keys(db, names: names, window: nil), offset: 0, limit: 0, counts: true)
                total = try await pool.onThread(db) { _ in
                    _ = try counting.run()
                    return counting.walked
                }
            }
            try await onTotal(total)
            let walk = try StreamWalk(OrderedKeys(try plan.keys(db, names: names, window: nil), db), db)
            while try !walk.isExhausted {
                let output = try await pool.onThread(db) { _ in
                    walk.startBatch(batchSize)
                    return try render(walk.rows)
                }
                try await emit(output)
            }
        }
    }

    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws {
        try await readTransaction { db in
            guard let tenant = try tenant(project, db) else { return }
            // Every lane (scenario, deleted or not), merged in key order.
            let lanes: [any KeySource] = try (0..<(DBUseType.ordered.count * 2)).map { lane in
                try StatementKeySource(db, Self.laneKeys) {
                    $0.bind(1, tenant)
                    $0.bind(2, lane)
                }
            }
            let walk = try StreamWalk(OrderedKeys(UnionKeySource(lanes), db), db)
            let lives = SQLiteTaskWriter(db, tenant: tenant)
            while try !walk.isExhausted {
                walk.startBatch(batchSize)
                var records: [JobRecord] = []
                while let kind = try walk.rows.next() {
                    var record = try walk.rows.record()
                    try Self.addDetails(to: &record, key: walk.rows.key, db)
                    record.kept = try lives.storedLife(key: walk.rows.key).map { Self.kept($0) }
                    switch kind {
                    case .task: records.append(record)
                    case .child: records[records.count - 1].children.append(record)
                    }
                }
                try await onBatch(records)
            }
        }
    }

    /// What export carries of a task's stored lifecycle.
    static func kept(_ life: StoredLife) -> KeptLife {
        KeptLife(
            config: TaskConfig(text: life.config),
            updateTime: life.state.updateTime,
            actualStartTime: life.state.actualStartTime,
            fullCompleteTime: life.state.fullCompleteTime
        )
    }

    static let begin = SQL("BEGIN")
    static let commit = SQL("COMMIT")
    static let laneKeys = SQL("SELECT pk FROM tasks WHERE tenant = ?1 AND lane = ?2 AND pk >= ?3 ORDER BY pk")
    static let tags = SQL("SELECT key, value FROM task_tags WHERE pk = ?1 ORDER BY position")

    /// The tags of the task with key `key` (its instances are columns of its row).
    static func addDetails(to record: inout JobRecord, key: Int64, _ db: SQLiteConnection) throws {
        record.tags = try db.withStatement(tags) { statement in
            statement.bind(1, key)
            var tags: [JobRecord.Tag] = []
            while try statement.step() { tags.append(JobRecord.Tag(key: statement.text(0) ?? "", value: statement.text(1) ?? "")) }
            return tags
        }
    }
}
