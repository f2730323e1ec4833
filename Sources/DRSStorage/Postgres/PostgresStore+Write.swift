import DRSDomain
import PostgresNIO

extension PostgresStore {
    public func write<T: Sendable>(project: String, _ body: (any TaskWriter) async throws -> T) async throws -> T {
        try await transaction { connection in
            guard let tenant = try await tenant(project, connection) else { throw StoreError.projectNotFound(project) }
            let writer = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            let result = try await body(writer)
            try await writer.finish()
            return result
        }
    }

    /// The import, then fresh planner statistics for the tables it wrote: right after a large import PostgreSQL's
    /// statistics still describe the old tables (autovacuum analyzes later), and plans would follow them.
    public func importJobs(_ records: [JobRecord], project: String, progress: (@Sendable (Int) -> Void)?) async throws {
        try await importing(project: project) { writer in
            var ids: [(id: String, path: String)] = []
            for (index, record) in records.enumerated() {
                ids.append((record.id, "jobs[\(index)].id"))
                ids += record.children.enumerated().map { ($1.id, "jobs[\(index)].children[\($0)].id") }
            }
            try await writer.removeExisting(ids: ids)
            var written = 0
            for chunk in records.chunks(of: 5_000) {
                try await writer.insert(Array(chunk))
                written += chunk.count
                progress?(written)
            }
            return (written, written + records.reduce(0) { $0 + $1.children.count })
        }
    }

    /// The batches are written as they are parsed, each replacing the tasks of its IDs first.
    public func importJobs(_ batches: JobImportBatches, project: String, progress: (@Sendable (Int) -> Void)?) async throws {
        defer { batches.stop() }
        try await importing(project: project) { writer in
            var (written, imported) = (0, 0)
            while let batch = try await batches.nextWhenReady() {
                try await writer.removeExisting(ids: batch.flatMap { record in [(record.id, "")] + record.children.map { ($0.id, "") } })
                try await writer.insert(batch)
                written += batch.count
                imported += batch.reduce(0) { $0 + 1 + $1.children.count }
                progress?(written)
            }
            return (written, imported)
        }
    }

    /// Runs `body` (which answers how many top-level tasks, and tasks and subtasks, it wrote) with the writer of an
    /// import in one transaction.
    private func importing(project: String, _ body: (PostgresTaskWriter) async throws -> (Int, Int)) async throws {
        let (written, imported) = try await transaction { connection in
            guard let tenant = try await tenant(project, connection) else { throw StoreError.projectNotFound(project) }
            // The tables grow as the import writes: its statements are planned for the rows there are at each run,
            // not once for the tables as they were (a plan made on an empty table scanned the whole table for the IDs
            // of every later batch: 765 tasks/s instead of 3,900).
            try await PreparedStatements.run(PostgresStatement(sql: "SET LOCAL plan_cache_mode = force_custom_plan"), on: connection, logger: logger)
            let writer = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            writer.importTime = Timestamp.nowMilliseconds()
            let counts = try await body(writer)
            try await writer.finish()
            return counts
        }
        counters.countImport(tasks: imported)
        if written >= 1_000 {
            _ = try await rows(PostgresStatement("ANALYZE tasks, task_tags"))
        }
    }
}
