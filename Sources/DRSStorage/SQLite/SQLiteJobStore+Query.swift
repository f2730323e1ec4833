import DRSDomain

extension SQLiteJobStore {
    public func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage {
        try await withTransaction(immediate: false) { db in
            try await reads.page(query, offset: offset, limit: limit, project: project, db)
        }
    }

    public func streamAll(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        onBatch: ([JobRecord]) async throws -> Void
    ) async throws {
        try await withTransaction(immediate: false) { db in
            try await reads.streamAll(query, project: project, batchSize: batchSize, db, onTotal: onTotal, onBatch: onBatch)
        }
    }

    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws {
        try await withTransaction(immediate: false) { db in
            try await reads.exportJobs(project: project, batchSize: batchSize, db, onBatch: onBatch)
        }
    }
}
