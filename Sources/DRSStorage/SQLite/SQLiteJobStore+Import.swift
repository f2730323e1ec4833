import DRSDomain
import SQLKit

extension SQLiteJobStore {
    /// Rows per multi-row INSERT; well under SQLite's limit of bound parameters.
    static let insertBatch = 200

    public func importJobs(_ records: [JobRecord], project: String) async throws {
        try await withTransaction(immediate: true) { db in
            try await Self.requireProject(project, db)
            // Where each ID sits in the import document, for error messages.
            var paths: [(id: String, path: String)] = []
            for (index, record) in records.enumerated() {
                paths.append((record.id, "jobs[\(index)].id"))
                for (childIndex, child) in record.children.enumerated() {
                    paths.append((child.id, "jobs[\(index)].children[\(childIndex)].id"))
                }
            }
            for chunk in paths.chunks(of: 500) {
                let owners = try await db.raw(
                    "SELECT id, project_id FROM jobs WHERE id IN (\(binds: chunk.map(\.id)))"
                ).all()
                for owner in owners where try owner.decode(column: "project_id", as: String.self) != project {
                    let id = try owner.decode(column: "id", as: String.self)
                    throw StoreError.idInOtherProject(path: chunk.first { $0.id == id }!.path, id: id)
                }
                // Replaced tasks go with their children, tags and instances (ON DELETE CASCADE).
                try await db.raw("DELETE FROM jobs WHERE project_id = \(bind: project) AND id IN (\(binds: chunk.map(\.id)))").run()
            }
            try await insert(records, project: project, db)
        }
    }

    private func insert(_ records: [JobRecord], project: String, _ db: any SQLDatabase) async throws {
        var nextPK = try await db.raw("SELECT coalesce(max(pk), 0) + 1 AS pk FROM jobs").first(decodingColumn: "pk", as: Int.self) ?? 1
        var jobs: [[any Encodable & Sendable]] = []
        var tags: [[any Encodable & Sendable]] = []
        var instances: [[any Encodable & Sendable]] = []
        func add(_ record: JobRecord, parent: Int?) -> Int {
            let pk = nextPK
            nextPK += 1
            jobs.append(Self.columnValues(record, pk: pk, parent: parent, project: project))
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
        try await insertRows(db, "jobs", Self.jobColumns, jobs)
        try await insertRows(db, "job_tags", ["job_pk", "project_id", "position", "key", "value"], tags)
        try await insertRows(db, "job_instances", ["job_pk", "project_id", "role", "instance_id", "ip"], instances)
    }

    private func insertRows(_ db: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        for chunk in rows.chunks(of: Self.insertBatch) {
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

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
