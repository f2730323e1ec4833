import DRSDomain
import SQLKit

/// Reads the columns of one result row. SQLKit rows serve every database; the SQLite store also reads its
/// driver's rows directly on the hot path (no `Decodable` machinery per column).
protocol RowSource {
    func text(_ column: String) throws -> String?
    func integer(_ column: String) throws -> Int?
}

extension RowSource {
    func requiredText(_ column: String) throws -> String {
        guard let value = try text(column) else { throw StoreError.corrupt("\(column) is NULL") }
        return value
    }

    func requiredInteger(_ column: String) throws -> Int {
        guard let value = try integer(column) else { throw StoreError.corrupt("\(column) is NULL") }
        return value
    }
}

/// Any SQLKit row.
struct SQLRowSource: RowSource {
    let row: any SQLRow

    func text(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
    func integer(_ column: String) throws -> Int? { try row.decode(column: column, as: Int?.self) }
}

/// A stored task row: its keys and the record.
struct JobRow {
    var pk: Int
    var parentPK: Int?
    var record: JobRecord

    init(_ row: any SQLRow) throws {
        try self.init(SQLRowSource(row: row))
    }

    init(_ row: some RowSource) throws {
        func value<T: RawRepresentable<String>>(_ column: String, _ type: T.Type) throws -> T {
            let raw = try row.requiredText(column)
            guard let value = T(rawValue: raw) else { throw StoreError.corrupt("jobs.\(column) = \(raw)") }
            return value
        }
        pk = try row.requiredInteger("pk")
        parentPK = try row.integer("parent_pk")
        record = JobRecord(
            id: try row.requiredText("id"),
            name: try row.requiredText("name"),
            status: try value("status", JobStatus.self),
            createTime: try row.requiredText("create_time"),
            engineType: try value("engine_type", EngineType.self),
            netType: try value("net_type", NetType.self),
            jobDirection: try value("job_direction", JobDirection.self),
            dbUseType: try value("db_use_type", DBUseType.self),
            taskType: try value("task_type", TaskType.self)
        )
        record.description = try row.requiredText("description")
        record.errorMessage = try row.text("error_msg")
        record.billingTag = try row.requiredInteger("billing_tag") != 0
        record.nodeNewFramework = try row.requiredInteger("node_new_framework") != 0
        record.enterpriseProjectID = try row.requiredText("enterprise_project_id")
        record.chargingMode = try value("charging_mode", ChargingMode.self)
        if let action = try row.text("current_action") {
            guard let value = CurrentAction(rawValue: action) else { throw StoreError.corrupt("jobs.current_action = \(action)") }
            record.currentAction = value
        }
    }
}
