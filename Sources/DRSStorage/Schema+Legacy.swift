/// Migrations 1-4, written before SQLite and PostgreSQL shared one list. Never edit them: they are what older
/// databases went through, and what a new database goes through before migration 5 moves to the current schema.
extension Schema {
    static let legacy: [Migration] = [
        Migration(
            version: 1,
            name: "projects, secrets, jobs, tags, instances, name search",
            sqlite: [
                """
                CREATE TABLE projects (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at TEXT NOT NULL
                )
                """,
                "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE jobs (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    project_id TEXT NOT NULL REFERENCES projects(id),
                    parent_pk INTEGER REFERENCES jobs(pk) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    name_folded TEXT NOT NULL,
                    status TEXT NOT NULL,
                    description TEXT NOT NULL,
                    create_time TEXT NOT NULL,
                    error_msg TEXT,
                    engine_type TEXT NOT NULL,
                    net_type TEXT NOT NULL,
                    billing_tag INTEGER NOT NULL,
                    job_direction TEXT NOT NULL,
                    db_use_type TEXT NOT NULL,
                    task_type TEXT NOT NULL,
                    node_new_framework INTEGER NOT NULL,
                    enterprise_project_id TEXT NOT NULL,
                    charging_mode TEXT NOT NULL,
                    current_action TEXT
                )
                """,
                // The list query: project, scenario, engine, then the answer order; `status` last, so that counting
                // the matches (which leaves out DELETED tasks) reads the index alone.
                """
                CREATE INDEX jobs_list ON jobs (project_id, db_use_type, engine_type, create_time DESC, id, status)
                    WHERE parent_pk IS NULL
                """,
                "CREATE INDEX jobs_by_use ON jobs (project_id, db_use_type, create_time DESC, id, status) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_all ON jobs (project_id, create_time DESC, id) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_by_status ON jobs (project_id, status, create_time DESC, id, db_use_type, engine_type) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_by_net_type ON jobs (project_id, net_type, create_time DESC, id, status, db_use_type, engine_type) WHERE parent_pk IS NULL",
                """
                CREATE INDEX jobs_by_enterprise_project ON jobs (
                    project_id, enterprise_project_id, create_time DESC, id, status, db_use_type, engine_type
                ) WHERE parent_pk IS NULL
                """,
                "CREATE INDEX jobs_children ON jobs (parent_pk, create_time, id) WHERE parent_pk IS NOT NULL",
                """
                CREATE TABLE job_tags (
                    job_pk INTEGER NOT NULL REFERENCES jobs(pk) ON DELETE CASCADE,
                    project_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (job_pk, key)
                )
                """,
                "CREATE INDEX job_tags_lookup ON job_tags (project_id, key, value)",
                """
                CREATE TABLE job_instances (
                    job_pk INTEGER NOT NULL REFERENCES jobs(pk) ON DELETE CASCADE,
                    project_id TEXT NOT NULL,
                    role TEXT NOT NULL,
                    instance_id TEXT,
                    ip TEXT,
                    PRIMARY KEY (job_pk, role)
                )
                """,
                "CREATE INDEX job_instances_by_id ON job_instances (project_id, instance_id)",
                "CREATE INDEX job_instances_by_ip ON job_instances (project_id, ip)",
                // Substring search on names: a trigram index over the case-folded name.
                """
                CREATE VIRTUAL TABLE jobs_name_search USING fts5(
                    name_folded, content='jobs', content_rowid='pk', tokenize='trigram case_sensitive 1'
                )
                """,
                """
                CREATE TRIGGER jobs_name_search_insert AFTER INSERT ON jobs BEGIN
                    INSERT INTO jobs_name_search (rowid, name_folded) VALUES (new.pk, new.name_folded);
                END
                """,
                """
                CREATE TRIGGER jobs_name_search_delete AFTER DELETE ON jobs BEGIN
                    INSERT INTO jobs_name_search (jobs_name_search, rowid, name_folded) VALUES ('delete', old.pk, old.name_folded);
                END
                """,
                """
                CREATE TRIGGER jobs_name_search_update AFTER UPDATE OF name_folded ON jobs BEGIN
                    INSERT INTO jobs_name_search (jobs_name_search, rowid, name_folded) VALUES ('delete', old.pk, old.name_folded);
                    INSERT INTO jobs_name_search (rowid, name_folded) VALUES (new.pk, new.name_folded);
                END
                """,
            ],
            postgres: [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                """
                CREATE TABLE projects (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    name TEXT COLLATE "C" NOT NULL,
                    created_at TEXT NOT NULL
                )
                """,
                "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE jobs (
                    pk BIGINT PRIMARY KEY,
                    id TEXT COLLATE "C" NOT NULL UNIQUE,
                    project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id),
                    parent_pk BIGINT REFERENCES jobs(pk) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    name_folded TEXT COLLATE "C" NOT NULL,
                    status TEXT COLLATE "C" NOT NULL,
                    description TEXT NOT NULL,
                    create_time TEXT COLLATE "C" NOT NULL,
                    error_msg TEXT,
                    engine_type TEXT COLLATE "C" NOT NULL,
                    net_type TEXT COLLATE "C" NOT NULL,
                    billing_tag INTEGER NOT NULL,
                    job_direction TEXT NOT NULL,
                    db_use_type TEXT COLLATE "C" NOT NULL,
                    task_type TEXT NOT NULL,
                    node_new_framework INTEGER NOT NULL,
                    enterprise_project_id TEXT COLLATE "C" NOT NULL,
                    charging_mode TEXT NOT NULL,
                    current_action TEXT
                )
                """,
                """
                CREATE INDEX jobs_list ON jobs (project_id, db_use_type, engine_type, create_time DESC, id, status)
                    WHERE parent_pk IS NULL
                """,
                "CREATE INDEX jobs_by_use ON jobs (project_id, db_use_type, create_time DESC, id, status) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_all ON jobs (project_id, create_time DESC, id) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_by_status ON jobs (project_id, status, create_time DESC, id, db_use_type, engine_type) WHERE parent_pk IS NULL",
                "CREATE INDEX jobs_by_net_type ON jobs (project_id, net_type, create_time DESC, id, status, db_use_type, engine_type) WHERE parent_pk IS NULL",
                """
                CREATE INDEX jobs_by_enterprise_project ON jobs (
                    project_id, enterprise_project_id, create_time DESC, id, status, db_use_type, engine_type
                ) WHERE parent_pk IS NULL
                """,
                "CREATE INDEX jobs_children ON jobs (parent_pk, create_time, id) WHERE parent_pk IS NOT NULL",
                // Substring search on names: a trigram index over the case-folded name.
                "CREATE INDEX jobs_name_search ON jobs USING gin (name_folded gin_trgm_ops)",
                """
                CREATE TABLE job_tags (
                    job_pk BIGINT NOT NULL REFERENCES jobs(pk) ON DELETE CASCADE,
                    project_id TEXT COLLATE "C" NOT NULL,
                    position INTEGER NOT NULL,
                    key TEXT COLLATE "C" NOT NULL,
                    value TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (job_pk, key)
                )
                """,
                "CREATE INDEX job_tags_lookup ON job_tags (project_id, key, value)",
                """
                CREATE TABLE job_instances (
                    job_pk BIGINT NOT NULL REFERENCES jobs(pk) ON DELETE CASCADE,
                    project_id TEXT COLLATE "C" NOT NULL,
                    role TEXT NOT NULL,
                    instance_id TEXT COLLATE "C",
                    ip TEXT COLLATE "C",
                    PRIMARY KEY (job_pk, role)
                )
                """,
                "CREATE INDEX job_instances_by_id ON job_instances (project_id, instance_id)",
                "CREATE INDEX job_instances_by_ip ON job_instances (project_id, ip)",
            ]
        ),
        Migration(
            version: 2,
            name: "planner statistics",
            sqlite: plannerStatistics,
            postgres: []
        ),
        Migration(
            version: 3,
            name: "credentials and identity users",
            sqlite: [
                """
                CREATE TABLE credentials (
                    access_key TEXT PRIMARY KEY,
                    secret_key TEXT NOT NULL,
                    project_id TEXT NOT NULL REFERENCES projects(id),
                    created_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    domain TEXT NOT NULL,
                    name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    project_id TEXT NOT NULL REFERENCES projects(id),
                    created_at TEXT NOT NULL,
                    UNIQUE (domain, name)
                )
                """,
                "CREATE INDEX projects_by_name ON projects (name)",
            ],
            postgres: [
                """
                CREATE TABLE credentials (
                    access_key TEXT PRIMARY KEY,
                    secret_key TEXT NOT NULL,
                    project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id),
                    created_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    domain TEXT COLLATE "C" NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    password_hash TEXT NOT NULL,
                    project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id),
                    created_at TEXT NOT NULL,
                    UNIQUE (domain, name)
                )
                """,
                "CREATE INDEX projects_by_name ON projects (name)",
            ]
        ),
        Migration(
            version: 4,
            name: "task counts per filterable dimension",
            sqlite: [
                // The exact number of top-level tasks per combination of the dimensions a query filters on, kept in
                // the same transaction as the tasks, so that `total_record` is a sum over a few rows.
                """
                CREATE TABLE job_counts (
                    project_id TEXT NOT NULL,
                    db_use_type TEXT NOT NULL,
                    engine_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    net_type TEXT NOT NULL,
                    enterprise_project_id TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (project_id, db_use_type, engine_type, status, net_type, enterprise_project_id)
                ) WITHOUT ROWID
                """,
                """
                INSERT INTO job_counts
                SELECT project_id, db_use_type, engine_type, status, net_type, enterprise_project_id, count(*)
                FROM jobs WHERE parent_pk IS NULL
                GROUP BY project_id, db_use_type, engine_type, status, net_type, enterprise_project_id
                """,
                // The same counts without network and enterprise project: at most engines x statuses rows per
                // scenario, for the queries that filter on neither (the console's default view among them).
                """
                CREATE TABLE job_counts_coarse (
                    project_id TEXT NOT NULL,
                    db_use_type TEXT NOT NULL,
                    engine_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (project_id, db_use_type, engine_type, status)
                ) WITHOUT ROWID
                """,
                """
                INSERT INTO job_counts_coarse
                SELECT project_id, db_use_type, engine_type, status, sum(n) FROM job_counts
                GROUP BY project_id, db_use_type, engine_type, status
                """,
                // A tag such as env=prod can hold half a tenant's tasks: an instance ID or IP is the narrower start.
                "UPDATE sqlite_stat1 SET stat = '2000000 20000 5000 1000' WHERE idx = 'job_tags_lookup'",
            ],
            postgres: [
                """
                CREATE TABLE job_counts (
                    project_id TEXT COLLATE "C" NOT NULL,
                    db_use_type TEXT COLLATE "C" NOT NULL,
                    engine_type TEXT COLLATE "C" NOT NULL,
                    status TEXT COLLATE "C" NOT NULL,
                    net_type TEXT COLLATE "C" NOT NULL,
                    enterprise_project_id TEXT COLLATE "C" NOT NULL,
                    n BIGINT NOT NULL,
                    PRIMARY KEY (project_id, db_use_type, engine_type, status, net_type, enterprise_project_id)
                )
                """,
                """
                INSERT INTO job_counts
                SELECT project_id, db_use_type, engine_type, status, net_type, enterprise_project_id, count(*)
                FROM jobs WHERE parent_pk IS NULL
                GROUP BY project_id, db_use_type, engine_type, status, net_type, enterprise_project_id
                """,
                """
                CREATE TABLE job_counts_coarse (
                    project_id TEXT COLLATE "C" NOT NULL,
                    db_use_type TEXT COLLATE "C" NOT NULL,
                    engine_type TEXT COLLATE "C" NOT NULL,
                    status TEXT COLLATE "C" NOT NULL,
                    n BIGINT NOT NULL,
                    PRIMARY KEY (project_id, db_use_type, engine_type, status)
                )
                """,
                """
                INSERT INTO job_counts_coarse
                SELECT project_id, db_use_type, engine_type, status, sum(n) FROM job_counts
                GROUP BY project_id, db_use_type, engine_type, status
                """,
            ]
        ),
    ]

    /// Fixed planner statistics (the shape of a large multi-tenant database), so that SQLite drives each query from
    /// its most selective index (a tag, an instance, a name match) instead of walking the tenant's task list.
    /// drs never runs ANALYZE, so these stay as written.
    static let plannerStatistics: [String] =
        [
            "ANALYZE sqlite_schema",
            "DELETE FROM sqlite_stat1",
        ]
        + [
            ("jobs", "jobs_list", "1000000 10000 3000 1000 2 1 1"),
            ("jobs", "jobs_by_use", "1000000 10000 3000 2 1 1"),
            ("jobs", "jobs_all", "1000000 10000 2 1"),
            ("jobs", "jobs_by_status", "1000000 10000 1000 2 1 1 1"),
            ("jobs", "jobs_by_net_type", "1000000 10000 3000 2 1 1 1 1"),
            ("jobs", "jobs_by_enterprise_project", "1000000 10000 5000 2 1 1 1 1"),
            ("jobs", "jobs_children", "1000000 5 2 1"),
            ("jobs", "sqlite_autoindex_jobs_1", "1000000 1"),
            ("job_tags", "job_tags_lookup", "2000000 20000 2000 50"),
            ("job_tags", "sqlite_autoindex_job_tags_1", "2000000 2 1"),
            ("job_instances", "job_instances_by_id", "2000000 20000 2"),
            ("job_instances", "job_instances_by_ip", "2000000 20000 2"),
            ("job_instances", "sqlite_autoindex_job_instances_1", "2000000 2 1"),
        ].map { "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('\($0.0)', '\($0.1)', '\($0.2)')" }

}
