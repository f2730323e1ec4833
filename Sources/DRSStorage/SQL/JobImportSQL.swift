import DRSDomain
import SQLKit

/// The import, written once over SQLKit for every database. Runs inside the caller's write transaction, which must
/// keep other imports out until it ends (SQLite's write lock; a table lock on PostgreSQL).
enum JobImportSQL {
    /// Rows per multi-row INSERT; well under every database's limit of bound parameters.
    static let insertBatch = 200

    static func importJobs(_ records: [JobRecord], project: String, _ db: any SQLDatabase) async throws {
        guard try await db.raw("SELECT id FROM projects WHERE id = \(bind: project)").first() != nil else {
            throw StoreError.projectNotFound(project)
        }
        var counts = CountDelta()
        // Where each ID sits in the import document, for error messages.
        var paths: [(id: String, path: String)] = []
        for (index, record) in records.enumerated() {
            paths.append((record.id, "jobs[\(index)].id"))
            counts.add(record, 1)
            for (childIndex, child) in record.children.enumerated() {
                paths.append((child.id, "jobs[\(index)].children[\(childIndex)].id"))
            }
        }
        for chunk in paths.chunks(of: 500) {
            let ids = chunk.map(\.id)
            let owners = try await db.raw("SELECT id, project_id FROM jobs WHERE id IN (\(binds: ids))").all()
            for owner in owners where try owner.decode(column: "project_id", as: String.self) != project {
                let id = try owner.decode(column: "id", as: String.self)
                throw StoreError.idInOtherProject(path: chunk.first { $0.id == id }!.path, id: id)
            }
            guard !owners.isEmpty else { continue }
            try await counts.subtractTopLevel(ids: ids, project: project, db)
            // Replaced tasks go with their children, tags and instances (ON DELETE CASCADE).
            try await db.raw("DELETE FROM jobs WHERE project_id = \(bind: project) AND id IN (\(binds: ids))").run()
        }
        try await insert(records, project: project, db)
        try await counts.apply(project: project, db)
    }

    private static func insert(_ records: [JobRecord], project: String, _ db: any SQLDatabase) async throws {
        var nextPK = try await db.raw("SELECT coalesce(max(pk), 0) + 1 AS pk FROM jobs").first(decodingColumn: "pk", as: Int.self) ?? 1
        var jobs: [[any Encodable & Sendable]] = []
        var tags: [[any Encodable & Sendable]] = []
        var instances: [[any Encodable & Sendable]] = []
        func add(_ record: JobRecord, parent: Int?) -> Int {
            let pk = nextPK
            nextPK += 1
            jobs.append(columnValues(record, pk: pk, parent: parent, project: project))
            for (position, tag) in record.tags.enumerated() { tags.append([pk, project, position, tag.key, tag.value]) }
            for (role, instance) in [(InstanceRole.source, record.sourceInstance), (InstanceRole.target, record.targetInstance)] {
                if let instance { instances.append([pk, project, role, instance.id, instance.ip]) }
            }
            return pk
        }
        for record in records {
            let pk = add(record, parent: nil)
            for child in record.children { _ = add(child, parent: pk) }
        }
        try await insertRows(db, "jobs", jobColumns, jobs)
        try await insertRows(db, "job_tags", ["job_pk", "project_id", "position", "key", "value"], tags)
        try await insertRows(db, "job_instances", ["job_pk", "project_id", "role", "instance_id", "ip"], instances)
    }

    static func insertRows(_ db: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        for chunk in rows.chunks(of: insertBatch) {
            var builder = db.insert(into: table).columns(columns)
            for row in chunk { builder = builder.values(row) }
            try await builder.run()
        }
    }

    static let jobColumns = [
        "pk", "parent_pk", "project_id", "id", "name", "name_folded", "status", "description", "create_time", "error_msg",
        "engine_type", "net_type", "billing_tag", "job_direction", "db_use_type", "task_type", "node_new_framework",
        "enterprise_project_id", "charging_mode", "current_action",
    ]

    static func columnValues(_ record: JobRecord, pk: Int, parent: Int?, project: String) -> [any Encodable & Sendable] {
        [
            pk, parent, project, record.id, record.name, JobFilterSQL.fold(record.name), record.status.rawValue, record.description,
            record.createTime, record.errorMessage, record.engineType.rawValue, record.netType.rawValue, record.billingTag ? 1 : 0,
            record.jobDirection.rawValue, record.dbUseType.rawValue, record.taskType.rawValue, record.nodeNewFramework ? 1 : 0,
            record.enterpriseProjectID, record.chargingMode.rawValue, record.currentAction?.rawValue,
        ]
    }
}

/// Changes to `job_counts` gathered during one import, applied at its end.
struct CountDelta {
    /// Key: the counted dimensions after `project_id`, in ``JobFilterSQL/countedDimensions`` order.
    private(set) var changes: [[String]: Int] = [:]

    mutating func add(_ record: JobRecord, _ n: Int) {
        let key = [
            record.dbUseType.rawValue, record.engineType.rawValue, record.status.rawValue, record.netType.rawValue,
            record.enterpriseProjectID,
        ]
        changes[key, default: 0] += n
    }

    /// Takes away the top-level tasks among `ids`, which are about to be replaced.
    mutating func subtractTopLevel(ids: [String], project: String, _ db: any SQLDatabase) async throws {
        let dimensions = SQLQueryString(Self.dimensions.joined(separator: ", "))
        let rows = try await db.raw(
            "SELECT " + dimensions
                + ", count(*) AS n FROM jobs WHERE project_id = \(bind: project) AND parent_pk IS NULL AND id IN (\(binds: ids)) GROUP BY "
                + dimensions
        ).all()
        for row in rows {
            let key = try Self.dimensions.map { try row.decode(column: $0, as: String.self) }
            changes[key, default: 0] -= try row.decode(column: "n", as: Int.self)
        }
    }

    /// Adds the changes to `job_counts` and `job_counts_coarse`, dropping rows that reach zero.
    func apply(project: String, _ db: any SQLDatabase) async throws {
        var coarse: [[String]: Int] = [:]
        for (key, n) in changes { coarse[Array(key.prefix(JobFilterSQL.coarseDimensionCount - 1)), default: 0] += n }
        try await Self.add(changes, to: "job_counts", columns: JobFilterSQL.countedDimensions, project: project, db)
        let coarseColumns = Array(JobFilterSQL.countedDimensions.prefix(JobFilterSQL.coarseDimensionCount))
        try await Self.add(coarse, to: "job_counts_coarse", columns: coarseColumns, project: project, db)
    }

    private static func add(
        _ changes: [[String]: Int],
        to table: String,
        columns: [String],
        project: String,
        _ db: any SQLDatabase
    )
        async throws
    {
        let rows: [[any Encodable & Sendable]] = changes.filter { $0.value != 0 }.map { [project] + $0.key + [$0.value] }
        guard !rows.isEmpty else { return }
        let key = columns.joined(separator: ", ")
        for chunk in rows.chunks(of: JobImportSQL.insertBatch) {
            try await db.raw(
                "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: key), n) VALUES "
                    + chunk.map { "(\(binds: $0))" as SQLQueryString }.joined(separator: ", ")
                    + " ON CONFLICT (\(unsafeRaw: key)) DO UPDATE SET n = \(unsafeRaw: table).n + excluded.n"
            ).run()
        }
        try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE project_id = \(bind: project) AND n = 0").run()
    }

    private static let dimensions = Array(JobFilterSQL.countedDimensions.dropFirst())
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
