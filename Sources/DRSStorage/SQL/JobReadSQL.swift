import DRSDomain
import SQLKit

/// The reads of the query contract and of export, written once over SQLKit for every database. Each runs inside the
/// caller's read transaction, so that a total and its pages come from one snapshot.
struct JobReadSQL: Sendable {
    /// How a store runs a statement of this file and reads its rows.
    typealias Rows = @Sendable (SQLQueryString, any SQLDatabase) async throws -> [any RowSource]

    let filters: JobFilterSQL
    let rows: Rows

    /// Rows through SQLKit, for any database.
    static func sqlKitRows(_ statement: SQLQueryString, _ db: any SQLDatabase) async throws -> [any RowSource] {
        try await db.raw(statement).all().map { SQLRowSource(row: $0) }
    }

    /// One statement, so one snapshot and one round trip: the total, the page's tasks and their children.
    func page(_ query: JobQuery, offset: Int, limit: Int, project: String, _ db: any SQLDatabase) async throws -> JobPage {
        guard limit > 0 else { return JobPage(total: try await count(db, query, project: project), jobs: []) }
        return try Self.assemblePage(try await rows(pageStatement(query, offset: offset, limit: limit, project: project), db))
    }

    /// The page statement: one row per task of the page and per child of those, each with the total; or one row
    /// with the total and NULL columns when the page is empty. `limit` must be positive.
    ///
    /// `j.*` rather than the column list: SQLite expands it faster than it parses 36 names (see docs/performance.md).
    /// LIMIT and OFFSET are integer literals, not bound values: SQLite prepares a statement again when a value
    /// bound to its LIMIT changes, which doubled the cost of preparing every page.
    func pageStatement(_ query: JobQuery, offset: Int, limit: Int, project: String) -> SQLQueryString {
        "WITH page AS MATERIALIZED (SELECT j.pk FROM jobs j " + filters.whereClause(query, project: project) + " "
            + JobFilterSQL.order + " LIMIT \(literal: limit) OFFSET \(literal: offset)), total AS ("
            + filters.countQuery(query, project: project) + ") SELECT t.n AS total, r.* FROM total t LEFT JOIN ("
            + "SELECT j.* FROM jobs j WHERE j.pk IN (SELECT pk FROM page) UNION ALL "
            + "SELECT j.* FROM jobs j WHERE j.parent_pk IN (SELECT pk FROM page)) r ON 1 = 1"
    }

    /// The page from the rows of ``pageStatement(_:offset:limit:project:)``.
    static func assemblePage(_ rows: [any RowSource]) throws -> JobPage {
        let total = try rows.first?.integer("total") ?? 0
        var parents: [JobRow] = []
        var children: [JobRow] = []
        for row in rows where try row.integer("pk") != nil {
            let job = try JobRow(row)
            if job.parentPK == nil { parents.append(job) } else { children.append(job) }
        }
        parents.sort { JobRecord.listOrder($0.record, $1.record) }
        return JobPage(total: total, jobs: attach(children, to: parents))
    }

    func streamAll(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        _ db: any SQLDatabase,
        onTotal: (Int) async throws -> Void,
        onBatch: ([JobRecord]) async throws -> Void
    ) async throws {
        try await onTotal(try await count(db, query, project: project))
        try await batches(db, filter: filters.whereClause(query, project: project), batchSize: batchSize) { rows in
            try await onBatch(try await withChildren(rows, db))
        }
    }

    func exportJobs(project: String, batchSize: Int, _ db: any SQLDatabase, onBatch: ([JobRecord]) async throws -> Void) async throws {
        let filter: SQLQueryString = "WHERE j.project_id = \(bind: project) AND j.parent_pk IS NULL"
        try await batches(db, filter: filter, batchSize: batchSize) { rows in
            let parents = try await withDetails(rows, db)
            try await onBatch(try await withChildren(parents, db, loadingChildren: { try await withDetails($0, db) }))
        }
    }

    private func count(_ db: any SQLDatabase, _ query: JobQuery, project: String) async throws -> Int {
        try await db.raw(filters.countQuery(query, project: project)).first(decodingColumn: "n", as: Int.self) ?? 0
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
            sql += " " + JobFilterSQL.order + " LIMIT \(literal: batchSize)"
            let rows = try await rows(sql, db).map { try JobRow($0) }
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
        var children = try await rows(
            "SELECT " + JobFilterSQL.columns
                + " FROM jobs j WHERE j.parent_pk IN (\(binds: parents.map(\.pk))) ORDER BY j.parent_pk, j.create_time, j.id",
            db
        ).map { try JobRow($0) }
        if let loadingChildren { children = try await loadingChildren(children) }
        return Self.attach(children, to: parents)
    }

    /// The parents' records, each with its children in child order.
    static func attach(_ children: [JobRow], to parents: [JobRow]) -> [JobRecord] {
        var byParent: [Int: [JobRecord]] = [:]
        for child in children { byParent[child.parentPK ?? 0, default: []].append(child.record) }
        return parents.map { parent in
            var record = parent.record
            record.children = (byParent[parent.pk] ?? []).sorted(by: JobRecord.childOrder)
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
