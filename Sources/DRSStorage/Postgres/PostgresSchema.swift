/// The PostgreSQL schema: the same versioned migrations as ``SQLiteSchema`` (same numbers and names), in
/// PostgreSQL's dialect. Text that is ordered or compared byte-wise uses the "C" collation, as SQLite does.
///
/// Never edit a released migration: add a new one.
enum PostgresSchema {
    static let migrations: [SQLiteSchema.Migration] = [
        .init(
            version: 1,
            name: "projects, secrets, jobs, tags, instances, name search",
            statements: [
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
        // SQLite's fixed planner statistics; PostgreSQL keeps its own (autovacuum's ANALYZE).
        .init(version: 2, name: "planner statistics", statements: []),
        .init(
            version: 3,
            name: "credentials and identity users",
            statements: [
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
        .init(
            version: 4,
            name: "task counts per filterable dimension",
            statements: [
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
}
