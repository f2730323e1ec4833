import DRSDomain
import SQLKit

extension SQLiteJobStore {
    public func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage {
        try await withTransaction(immediate: false) { db in
            let filter = filters.whereClause(query, project: project)
            let total = try await count(db, filter)
            let rows = try await db.raw(
                "SELECT " + JobFilterSQL.columns + " FROM jobs j " + filter + " " + JobFilterSQL.order
                    + " LIMIT \(bind: limit) OFFSET \(bind: offset)"
            ).all()
            return JobPage(total: total, jobs: try await withChildren(try rows.map(JobRow.init), db))
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
            let filter = filters.whereClause(query, project: project)
            try await onTotal(try await count(db, filter))
            try await batches(db, filter: filter, batchSize: batchSize) { rows in
                try await onBatch(try await withChildren(rows, db))
            }
        }
    }

    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws {
        try await withTransaction(immediate: false) { db in
            let filter: SQLQueryString = "WHERE j.project_id = \(bind: project) AND j.parent_pk IS NULL"
            try await batches(db, filter: filter, batchSize: batchSize) { rows in
                let parents = try await withDetails(rows, db)
                try await onBatch(try await withChildren(parents, db, loadingChildren: { try await withDetails($0, db) }))
            }
        }
    }

    private func count(_ db: any SQLDatabase, _ filter: SQLQueryString) async throws -> Int {
        try await db.raw("SELECT count(*) AS n FROM jobs j " + filter).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Walks the matches in answer order, `batchSize` rows at a time (keyset paging on `create_time`, `id`).
    private func batches(
        _ db: any SQLDatabase,
        filter: SQLQueryString,
        batchSize: Int,
        _ body: ([JobRow]) async throws -> Void
    ) async throws {
        var last: JobRecord?
        while true {
            var sql = "SELECT " + JobFilterSQL.columns + " FROM jobs j " + filter
            if let last {
                sql += " AND j.create_time <= \(bind: last.createTime) AND " + JobFilterSQL.after(last)
            }
            sql += " " + JobFilterSQL.order + " LIMIT \(bind: batchSize)"
            let rows = try await db.raw(sql).all().map(JobRow.init)
            guard !rows.isEmpty else { return }
            try await body(rows)
            guard rows.count == batchSize else { return }
            last = rows.last?.record
        }
    }

    /// The records of `parents`, each with its children in child order.
    func withChildren(
        _ parents: [JobRow],
        _ db: any SQLDatabase,
        loadingChildren: (([JobRow]) async throws -> [JobRow])? = nil
    ) async throws -> [JobRecord] {
        guard !parents.isEmpty else { return [] }
        var children = try await db.raw(
            "SELECT " + JobFilterSQL.columns
                + " FROM jobs j WHERE j.parent_pk IN (\(binds: parents.map(\.pk))) ORDER BY j.parent_pk, j.create_time, j.id"
        ).all().map(JobRow.init)
        if let loadingChildren { children = try await loadingChildren(children) }
        var byParent: [Int: [JobRecord]] = [:]
        for child in children { byParent[child.parentPK ?? 0, default: []].append(child.record) }
        return parents.map { parent in
            var record = parent.record
            record.children = byParent[parent.pk] ?? []
            return record
        }
    }

    /// `rows` with their tags and instances filled in (export only: the API answer does not carry them).
    private func withDetails(_ rows: [JobRow], _ db: any SQLDatabase) async throws -> [JobRow] {
        guard !rows.isEmpty else { return rows }
        let pks = rows.map(\.pk)
        var tags: [Int: [JobRecord.Tag]] = [:]
        for row in try await db.raw(
            "SELECT job_pk, key, value FROM job_tags WHERE job_pk IN (\(binds: pks)) ORDER BY job_pk, position"
        ).all() {
            let tag = JobRecord.Tag(key: try row.decode(column: "key", as: String.self), value: try row.decode(column: "value", as: String.self))
            tags[try row.decode(column: "job_pk", as: Int.self), default: []].append(tag)
        }
        var instances: [Int: [String: JobRecord.Instance]] = [:]
        for row in try await db.raw("SELECT job_pk, role, instance_id, ip FROM job_instances WHERE job_pk IN (\(binds: pks))").all() {
            let instance = JobRecord.Instance(
                id: try row.decode(column: "instance_id", as: String?.self),
                ip: try row.decode(column: "ip", as: String?.self)
            )
            instances[try row.decode(column: "job_pk", as: Int.self), default: [:]][try row.decode(column: "role", as: String.self)] =
                instance
        }
        return rows.map { row in
            var row = row
            row.record.tags = tags[row.pk] ?? []
            row.record.sourceInstance = instances[row.pk]?[InstanceRole.source]
            row.record.targetInstance = instances[row.pk]?[InstanceRole.target]
            return row
        }
    }
}

enum InstanceRole {
    static let source = "source"
    static let target = "target"
}
