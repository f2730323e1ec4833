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
        try await transaction { connection in
            guard let tenant = try await tenant(project, connection) else { throw StoreError.projectNotFound(project) }
            let writer = PostgresTaskWriter(connection, tenant: tenant, logger: logger)
            writer.importTime = Timestamp.nowMilliseconds()
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
            try await writer.finish()
        }
        counters.countImport(records)
        if records.count >= 1_000 {
            _ = try await rows(PostgresStatement("ANALYZE tasks, task_tags"))
        }
    }
}
