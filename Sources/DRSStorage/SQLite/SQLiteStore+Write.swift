import DRSDomain
import DRSSQLite

extension SQLiteStore {
    public func write<T: Sendable>(project: String, _ body: (any TaskWriter) async throws -> T) async throws -> T {
        try await write { db in
            guard let tenant = try tenant(project, db) else { throw StoreError.projectNotFound(project) }
            let writer = SQLiteTaskWriter(db, tenant: tenant)
            let result = try await body(writer)
            try writer.finish()
            return result
        }
    }

    /// Page cache for an import's connection: large enough that a 100,000-task import does not spill pages to the
    /// log before it commits. Given back afterwards.
    static let importCacheKiB = 256 * 1024

    public func importJobs(_ records: [JobRecord], project: String, progress: (@Sendable (Int) -> Void)?) async throws {
        try await importing(project: project) { writer in
            try Self.replaceExisting(records, writer: writer)
            try Self.insert(records, writer: writer, before: 0, progress: progress)
            progress?(records.count)
        }
        counters.countImport(records)
    }

    /// The batches are written as they are parsed; any problem rolls the whole import back.
    public func importJobs(_ batches: JobImportBatches, project: String, progress: (@Sendable (Int) -> Void)?) async throws {
        defer { batches.stop() }
        let imported = try await importing(project: project) { writer in
            var written = 0
            var imported = 0
            while let batch = try batches.next() {
                try Self.replaceExisting(batch, writer: writer)
                try Self.insert(batch, writer: writer, before: written, progress: progress)
                written += batch.count
                imported += batch.reduce(0) { $0 + 1 + $1.children.count }
            }
            progress?(written)
            return imported
        }
        counters.countImport(tasks: imported)
    }

    /// Runs `body` with the writer of an import, on a pool thread: it holds the write lock for its length, but no
    /// cooperative thread.
    private func importing<T: Sendable>(project: String, _ body: @escaping @Sendable (SQLiteTaskWriter) throws -> T) async throws -> T {
        try await write { db in
            guard let tenant = try tenant(project, db) else { throw StoreError.projectNotFound(project) }
            return try await pool.onThread(db) { db in
                try db.execute("PRAGMA cache_size = -\(Self.importCacheKiB)")
                defer { try? db.execute("PRAGMA cache_size = -16384; PRAGMA shrink_memory") }
                let writer = SQLiteTaskWriter(db, tenant: tenant, batchesNames: true)
                writer.importTime = Timestamp.nowMilliseconds()
                let result = try body(writer)
                try writer.finish()
                return result
            }
        }
    }

    /// Inserts records newest first: keys then ascend (TaskKey), so rows are appended to the B-trees rather than
    /// scattered. `progress` hears the records written, counting `before` written earlier.
    static func insert(_ records: [JobRecord], writer: SQLiteTaskWriter, before: Int, progress: (@Sendable (Int) -> Void)?) throws {
        let order = records.indices.sorted { records[$0].createTime > records[$1].createTime }
        for (count, index) in order.enumerated() {
            _ = try writer.insertTask(records[index])
            if let progress, (before + count + 1) % 5_000 == 0 { progress(before + count + 1) }
        }
    }

    /// Removes the project's tasks and subtasks whose IDs the import carries (with their children); refuses, before
    /// changing anything, an ID of another project.
    static func replaceExisting(_ records: [JobRecord], writer: SQLiteTaskWriter) throws {
        var existing: [String] = []
        for (index, record) in records.enumerated() {
            let ids = [(record.id, "jobs[\(index)].id")] + record.children.enumerated().map { ($1.id, "jobs[\(index)].children[\($0)].id") }
            for (id, path) in ids {
                guard let owner = try writer.owner(ofID: id) else { continue }
                guard owner == writer.tenant else { throw StoreError.idInOtherProject(path: path, id: id) }
                existing.append(id)
            }
        }
        for id in existing {
            // A parent removed earlier took this one with it.
            guard let stored = try writer.findTask(id: id) else { continue }
            try writer.removeTask(stored)
        }
    }
}

extension SQLiteStore {
    static let dueSteps = SQL(
        "SELECT pk, version, due_ms FROM task_life INDEXED BY task_life_due WHERE step IS NOT NULL AND due_ms <= ?1 ORDER BY due_ms LIMIT ?2"
    )
    static let dueTask = SQL("SELECT tenant, version, step FROM task_life WHERE pk = ?1")

    public func dueSteps(at now: Int64, limit: Int) async throws -> [DueStep] {
        try await read { db in
            try db.withStatement(Self.dueSteps) { statement in
                statement.bind(1, now)
                statement.bind(2, Int64(limit))
                var steps: [DueStep] = []
                while try statement.step() {
                    steps.append(DueStep(key: statement.int64(0), version: statement.int64(1), due: statement.int64(2)))
                }
                return steps
            }
        }
    }

    public func writeDue<T: Sendable>(_ step: DueStep, _ body: (any TaskWriter, StoredTask) async throws -> T) async throws -> T? {
        try await write { db -> T? in
            let tenant: Int64? = try db.withStatement(Self.dueTask) { statement in
                statement.bind(1, step.key)
                guard try statement.step(), statement.int64(1) == step.version, statement.optionalInt64(2) != nil else { return nil }
                return statement.int64(0)
            }
            guard let tenant else { return nil }
            let writer = SQLiteTaskWriter(db, tenant: tenant)
            guard let task = try writer.findTask(key: step.key) else { return nil }
            let result = try await body(writer, task)
            try writer.finish()
            return result
        }
    }
}

extension SQLiteStore {
    public func lifeTasks(ids: [String], project: String) async throws -> [String: LifeSnapshot] {
        try await read { db in
            guard let tenant = try tenant(project, db) else { return [:] }
            // Reads only: the writer's lookups, on a read connection, in one snapshot.
            try db.withStatement("BEGIN") { try $0.run() }
            defer { try? db.execute("COMMIT") }
            let reader = SQLiteTaskWriter(db, tenant: tenant)
            var found: [String: LifeSnapshot] = [:]
            for id in ids where found[id] == nil {
                guard let task = try reader.findTask(id: id) else { continue }
                let parentID = try task.parentKey.flatMap { key in
                    try db.withStatement(Self.idOfKey) { statement in
                        statement.bind(1, key)
                        return try statement.step() ? statement.text(0) : nil
                    }
                }
                found[id] = LifeSnapshot(task: task, life: try reader.storedLife(key: task.key), parentID: parentID)
            }
            return found
        }
    }
}
