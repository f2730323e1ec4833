import DRSDomain

/// Migration 5's move of the tasks that migrations 1-4 stored (table `jobs` and its companions) into the current
/// tables, and the removal of the old ones. On a new database the old tables are empty and this moves nothing.
extension Schema {
    /// `CASE <column> WHEN '<spelling>' THEN <code> … END` for a catalogue.
    static func code<T: CatalogueValue>(_ column: String, _ type: T.Type) -> String {
        "CASE \(column) " + T.ordered.map { "WHEN '\($0.rawValue)' THEN \($0.code)" }.joined(separator: " ") + " END"
    }

    /// The columns of `tasks` filled from `jobs j`, after `pk, tenant, lane, parent_pk`.
    static let copiedColumns = """
        \(code("j.status", JobStatus.self)), \(code("j.engine_type", EngineType.self)), \(code("j.net_type", NetType.self)),
        j.enterprise_project_id, \(code("j.db_use_type", DBUseType.self)), \(code("j.job_direction", JobDirection.self)),
        \(code("j.task_type", TaskType.self)), \(code("j.charging_mode", ChargingMode.self)),
        CASE WHEN j.current_action IS NULL THEN NULL ELSE \(code("j.current_action", CurrentAction.self)) END,
        j.billing_tag, j.node_new_framework, (SELECT count(*) FROM jobs c WHERE c.parent_pk = j.pk)
        """

    static let taskColumns = """
        pk, tenant, lane, parent_pk, status, engine, net, eps, scenario, direction, task_type, charging, current_action, \
        billing_tag, node_new_framework, child_count, created_ms, id, name, description, error_msg, source_id, source_ip, target_id, \
        target_ip
        """

    /// The old instance rows of `jobs j`, joined as `si` and `ti`.
    static let instanceJoins = """
        LEFT JOIN job_instances si ON si.job_pk = j.pk AND si.role = 'source'
        LEFT JOIN job_instances ti ON ti.job_pk = j.pk AND ti.role = 'target'
        """

    /// Top-level tasks get a lane: scenario code * 2, plus 1 when DELETED.
    static func lane(deleted: String) -> String {
        "CASE WHEN j.parent_pk IS NULL THEN (\(code("j.db_use_type", DBUseType.self))) * 2 + \(deleted) END"
    }

    static let copyCounts: [String] = CountRollups.all.map { rollup in
        let key = rollup.keyColumns.joined(separator: ", ")
        return "INSERT INTO \(rollup.table) (\(key), n) SELECT \(key), count(*) FROM tasks WHERE lane IS NOT NULL GROUP BY \(key)"
    }

    /// Ordinals (Facets) for the moved top-level tasks; their facet bits are written after the migration
    /// (``SQLiteStore/rebuildFacets(_:)``, ``PostgresStore/rebuildFacets(_:)``).
    static let copyOrdinals =
        "UPDATE tasks SET ord = r.n FROM (SELECT pk, row_number() OVER (ORDER BY pk) AS n FROM tasks WHERE lane IS NOT NULL) AS r WHERE r.pk = tasks.pk"

    static let copyMemberships: [String] = [
        """
        INSERT INTO task_tags (pk, key, value, position, tenant, lane)
        SELECT k.new_pk, g.key, g.value, g.position, t.tenant, t.lane
        FROM job_tags g JOIN migrated_keys k ON k.old_pk = g.job_pk JOIN tasks t ON t.pk = k.new_pk
        """
    ]

    /// The old tables; on SQLite also the old name index, a table there (on PostgreSQL it was an index of `jobs`), dropped
    /// after `jobs`, whose triggers name it.
    static func dropOld(_ dialect: Dialect) -> [String] {
        ["job_tags", "job_instances", "job_counts", "job_counts_coarse", "jobs", "migrated_keys"].map { "DROP TABLE \($0)" }
            + (dialect == .sqlite ? ["DROP TABLE jobs_name_search"] : [])
    }

    static let legacySQLiteCopy: [String] =
        [
            """
            CREATE TEMP TABLE migrated_keys AS SELECT pk AS old_pk,
                ~((CAST(strftime('%s', create_time) AS INTEGER) * 1000) * 32768
                    + ((row_number() OVER (PARTITION BY create_time ORDER BY id) - 1) % 32768)) AS new_pk
            FROM jobs
            """,
            """
            INSERT INTO tasks (\(taskColumns))
            SELECT k.new_pk, t.tenant, \(lane(deleted: "(j.status = 'DELETED')")), p.new_pk, \(copiedColumns),
                CAST(strftime('%s', j.create_time) AS INTEGER) * 1000, j.id, j.name, j.description, j.error_msg,
                si.instance_id, si.ip, ti.instance_id, ti.ip
            FROM jobs j JOIN migrated_keys k ON k.old_pk = j.pk JOIN tenants t ON t.project_id = j.project_id
                LEFT JOIN migrated_keys p ON p.old_pk = j.parent_pk \(instanceJoins)
            """,
            """
            INSERT INTO task_names (rowid, doc)
            SELECT t.pk, t.tenant || '.' || t.lane || '|' || j.name_folded
            FROM jobs j JOIN migrated_keys k ON k.old_pk = j.pk JOIN tasks t ON t.pk = k.new_pk WHERE t.lane IS NOT NULL
            """,
            "INSERT INTO task_ids (id, tenant, lane, pk) SELECT id, tenant, lane, pk FROM tasks",
            "UPDATE counters SET value = (SELECT count(*) FROM jobs) WHERE name = 'task_key'",
            copyOrdinals,
            "UPDATE counters SET value = (SELECT coalesce(max(ord), 0) FROM tasks) WHERE name = 'task_ord'",
        ] + copyMemberships + copyCounts + dropOld(.sqlite)

    static let legacyPostgresCopy: [String] =
        [
            """
            CREATE TEMP TABLE migrated_keys AS SELECT pk AS old_pk,
                ~((extract(epoch FROM create_time::timestamp)::bigint * 1000) * 32768
                    + ((row_number() OVER (PARTITION BY create_time ORDER BY id) - 1) % 32768)) AS new_pk
            FROM jobs
            """,
            """
            INSERT INTO tasks (\(taskColumns), name_folded, grams)
            SELECT k.new_pk, t.tenant, \(lane(deleted: "CASE WHEN j.status = 'DELETED' THEN 1 ELSE 0 END")), p.new_pk,
                \(copiedColumns), extract(epoch FROM j.create_time::timestamp)::bigint * 1000, j.id, j.name, j.description,
                j.error_msg, si.instance_id, si.ip, ti.instance_id, ti.ip, j.name_folded,
                CASE WHEN j.parent_pk IS NULL THEN drs_name_grams(t.tenant || '.' || (\(lane(deleted: "CASE WHEN j.status = 'DELETED' THEN 1 ELSE 0 END"))), j.name_folded) END
            FROM jobs j JOIN migrated_keys k ON k.old_pk = j.pk JOIN tenants t ON t.project_id = j.project_id
                LEFT JOIN migrated_keys p ON p.old_pk = j.parent_pk \(instanceJoins)
            """,
            "SELECT setval('task_key_seq', (SELECT count(*) + 1 FROM jobs))",
            copyOrdinals,
            "SELECT setval('task_ord_seq', (SELECT coalesce(max(ord), 0) + 1 FROM tasks), false)",
        ] + copyMemberships + copyCounts + dropOld(.postgres)
}
