import DRSDomain
import SQLKit

/// The SQL of the query contract, written once over SQLKit for every database.
/// Values are always bound parameters; only the name search differs between dialects.
struct JobFilterSQL: Sendable {
    /// How a database searches task names for a case-folded substring; `alias` is the jobs table.
    typealias NameSearch = @Sendable (_ folded: String, _ alias: String) -> SQLQueryString

    let nameSearch: NameSearch

    /// `WHERE …` for the top-level tasks of `project` that match `query`, on table alias `j`.
    func whereClause(_ query: JobQuery, project: String) -> SQLQueryString {
        var conditions = Self.dimensionConditions(query, project: project, alias: "j")
        conditions.insert("j.parent_pk IS NULL", at: 1)
        switch query.name {
        case .ids(let ids): conditions.append("j.id IN (\(binds: ids))")
        case .text(let text):
            conditions.append("(j.id = \(bind: text) OR \(nameSearch(Self.fold(text), "j")))")
        case nil: break
        }
        // The first membership condition is a `pk IN (…)` list that can drive the query from its index; the rest
        // are checked per candidate with EXISTS through the primary keys (a list of every `env=prod` task would
        // be built on each call). Instances come first: they are narrower than tags.
        var driven = query.name != nil
        func member(_ table: String, _ match: SQLQueryString) {
            if driven {
                conditions.append("EXISTS (SELECT 1 FROM \(unsafeRaw: table) m WHERE m.job_pk = j.pk AND " + match + ")")
            } else {
                conditions.append("j.pk IN (SELECT m.job_pk FROM \(unsafeRaw: table) m WHERE m.project_id = \(bind: project) AND " + match + ")")
                driven = true
            }
        }
        if !query.instanceIDs.isEmpty { member("job_instances", "m.instance_id IN (\(binds: query.instanceIDs))") }
        if let ip = query.instanceIP { member("job_instances", "m.ip = \(bind: ip)") }
        for tag in query.tags {
            if let value = tag.value {
                member("job_tags", "m.key = \(bind: tag.key) AND m.value = \(bind: value)")
            } else {
                member("job_tags", "m.key = \(bind: tag.key)")
            }
        }
        return "WHERE " + conditions.joined(separator: " AND ")
    }

    /// Whether the query filters only on the dimensions that `job_counts` keeps (scenario, engine, status, network,
    /// enterprise project): then its total is a sum over that table instead of a count over the tasks.
    static func isCountedByDimensions(_ query: JobQuery) -> Bool {
        query.name == nil && query.tags.isEmpty && query.instanceIDs.isEmpty && query.instanceIP == nil
    }

    /// `SELECT … AS n`: the exact number of matches, from `job_counts` when the query allows it.
    func countQuery(_ query: JobQuery, project: String) -> SQLQueryString {
        guard Self.isCountedByDimensions(query) else {
            return "SELECT count(*) AS n FROM jobs j " + whereClause(query, project: project)
        }
        let conditions = Self.dimensionConditions(query, project: project, alias: "c")
        let table: SQLQueryString = query.netType == nil && query.enterpriseProjectID == nil ? "job_counts_coarse" : "job_counts"
        return "SELECT CAST(coalesce(sum(c.n), 0) AS BIGINT) AS n FROM " + table + " c WHERE " + conditions.joined(separator: " AND ")
    }

    /// The conditions on the counted dimensions, on table alias `alias` (the project's condition first).
    static func dimensionConditions(_ query: JobQuery, project: String, alias: String) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = [
            "\(unsafeRaw: alias).project_id = \(bind: project)",
            "\(unsafeRaw: alias).db_use_type = \(bind: query.dbUseType.rawValue)",
        ]
        if let engine = query.engineType { conditions.append("\(unsafeRaw: alias).engine_type = \(bind: engine.rawValue)") }
        if let status = query.status { conditions.append("\(unsafeRaw: alias).status = \(bind: status.rawValue)") }
        if query.excludesDeleted { conditions.append("\(unsafeRaw: alias).status <> \(bind: JobStatus.deleted.rawValue)") }
        if let netType = query.netType { conditions.append("\(unsafeRaw: alias).net_type = \(bind: netType.rawValue)") }
        if let project = query.enterpriseProjectID { conditions.append("\(unsafeRaw: alias).enterprise_project_id = \(bind: project)") }
        return conditions
    }

    /// The columns of `job_counts` besides `n`, in key order; `job_counts_coarse` has the first four.
    static let countedDimensions = ["project_id", "db_use_type", "engine_type", "status", "net_type", "enterprise_project_id"]
    static let coarseDimensionCount = 4

    /// Tasks strictly after `last` in the answer order (`create_time` descending, then `id`).
    static func after(_ last: JobRecord) -> SQLQueryString {
        "(j.create_time < \(bind: last.createTime) OR (j.create_time = \(bind: last.createTime) AND j.id > \(bind: last.id)))"
    }

    static let order: SQLQueryString = "ORDER BY j.create_time DESC, j.id ASC"

    /// Case folding shared by stored names and search text.
    static func fold(_ text: String) -> String { text.lowercased() }

    /// The selected columns, in the order ``JobRow`` reads them.
    static let columns: SQLQueryString = """
        j.pk, j.parent_pk, j.id, j.name, j.status, j.description, j.create_time, j.error_msg, j.engine_type, j.net_type, \
        j.billing_tag, j.job_direction, j.db_use_type, j.task_type, j.node_new_framework, j.enterprise_project_id, \
        j.charging_mode, j.current_action
        """
}
