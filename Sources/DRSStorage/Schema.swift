import DRSDomain
import Foundation

/// One schema change, in the dialect of each database. Versions are applied in order, each once, in one transaction.
struct Migration: Sendable {
    var version: Int
    var name: String
    var sqlite: [String]
    var postgres: [String]

    init(version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A change written once for both databases (see ``Dialect/render(_:)``), then the statements only one of them needs.
    init(version: Int, name: String, both: [String], sqlite: [String] = [], postgres: [String] = []) {
        self.init(
            version: version,
            name: name,
            sqlite: both.map(Dialect.sqlite.render) + sqlite,
            postgres: both.map(Dialect.postgres.render) + postgres
        )
    }
}

enum Dialect: Sendable {
    case sqlite, postgres

    /// Replaces the type placeholders of shared DDL: `{KEY}` (a 64-bit integer key), `{INT}` (a 64-bit integer),
    /// `{CODE}` (a small integer: a catalogue code), `{TEXT}` (text compared byte-wise), `{WITHOUT ROWID}`
    /// (SQLite's clustered tables).
    func render(_ sql: String) -> String {
        let replacements: [(String, String)] =
            switch self {
            case .sqlite:
                [("{KEY}", "INTEGER"), ("{INT}", "INTEGER"), ("{CODE}", "INTEGER"), ("{TEXT}", "TEXT"), (" {WITHOUT ROWID}", " WITHOUT ROWID")]
            case .postgres:
                [("{KEY}", "BIGINT"), ("{INT}", "BIGINT"), ("{CODE}", "INTEGER"), ("{TEXT}", "TEXT COLLATE \"C\""), (" {WITHOUT ROWID}", "")]
            }
        return replacements.reduce(sql) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}

/// The schema of both databases: one list of versioned migrations. Never edit a released migration: add a new one.
enum Schema {
    static let migrations: [Migration] = legacy + [version5]

    /// Tasks keyed by create time, catalogue values stored as codes, tenants as integers, per-tenant lists for every
    /// filter, totals per filterable dimension, and a per-tenant name index. Moves the data of migrations 1-4 over.
    static let version5 = Migration(
        version: 5,
        name: "per-tenant task lists, keys in create-time order, totals per dimension",
        both: [
            "CREATE TABLE tenants (tenant {KEY} PRIMARY KEY, project_id {TEXT} NOT NULL UNIQUE)",
            "INSERT INTO tenants (project_id) SELECT id FROM projects ORDER BY created_at, id",
            """
            CREATE TABLE tasks (
                pk {KEY} PRIMARY KEY,
                tenant {INT} NOT NULL,
                lane {CODE},
                parent_pk {INT},
                status {CODE} NOT NULL,
                engine {CODE} NOT NULL,
                net {CODE} NOT NULL,
                eps {TEXT} NOT NULL,
                scenario {CODE} NOT NULL,
                direction {CODE} NOT NULL,
                task_type {CODE} NOT NULL,
                charging {CODE} NOT NULL,
                current_action {CODE},
                billing_tag {CODE} NOT NULL,
                node_new_framework {CODE} NOT NULL,
                child_count {CODE} NOT NULL,
                created_ms {INT} NOT NULL,
                id {TEXT} NOT NULL,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                error_msg TEXT,
                source_id {TEXT},
                source_ip {TEXT},
                target_id {TEXT},
                target_ip {TEXT}
            )
            """,
            "CREATE INDEX tasks_children ON tasks (parent_pk, created_ms, id) WHERE parent_pk IS NOT NULL",
            """
            CREATE TABLE task_tags (
                pk {INT} NOT NULL,
                key {TEXT} NOT NULL,
                value {TEXT} NOT NULL,
                position {CODE} NOT NULL,
                tenant {INT} NOT NULL,
                lane {CODE},
                PRIMARY KEY (pk, key)
            ) {WITHOUT ROWID}
            """,
            "CREATE INDEX task_tags_value ON task_tags (tenant, lane, key, value, pk) WHERE lane IS NOT NULL",
            "CREATE INDEX task_tags_key ON task_tags (tenant, lane, key, pk) WHERE lane IS NOT NULL",
            // The exact totals (CountRollups): top-level tasks per tenant, lane and dimensions.
            "CREATE TABLE counts_lane (tenant {INT} NOT NULL, lane {CODE} NOT NULL, n {INT} NOT NULL, PRIMARY KEY (tenant, lane)) {WITHOUT ROWID}",
            """
            CREATE TABLE counts_status (
                tenant {INT} NOT NULL, lane {CODE} NOT NULL, status {CODE} NOT NULL, engine {CODE} NOT NULL, n {INT} NOT NULL,
                PRIMARY KEY (tenant, lane, status, engine)
            ) {WITHOUT ROWID}
            """,
            """
            CREATE TABLE counts_engine (
                tenant {INT} NOT NULL, lane {CODE} NOT NULL, engine {CODE} NOT NULL, status {CODE} NOT NULL, n {INT} NOT NULL,
                PRIMARY KEY (tenant, lane, engine, status)
            ) {WITHOUT ROWID}
            """,
            """
            CREATE TABLE counts_net (
                tenant {INT} NOT NULL, lane {CODE} NOT NULL, net {CODE} NOT NULL, status {CODE} NOT NULL, engine {CODE} NOT NULL,
                n {INT} NOT NULL, PRIMARY KEY (tenant, lane, net, status, engine)
            ) {WITHOUT ROWID}
            """,
            """
            CREATE TABLE counts_eps (tenant {INT} NOT NULL, lane {CODE} NOT NULL, eps {TEXT} NOT NULL, n {INT} NOT NULL, PRIMARY KEY (tenant, lane, eps))
                {WITHOUT ROWID}
            """,
            """
            CREATE TABLE counts_eps_detail (
                tenant {INT} NOT NULL, lane {CODE} NOT NULL, eps {TEXT} NOT NULL, net {CODE} NOT NULL, status {CODE} NOT NULL,
                engine {CODE} NOT NULL, n {INT} NOT NULL, PRIMARY KEY (tenant, lane, eps, net, status, engine)
            ) {WITHOUT ROWID}
            """,
        ],
        sqlite: [
            // Task IDs, unique across all tenants, with what a lookup by ID needs (so it reads nothing else).
            "CREATE TABLE task_ids (id TEXT PRIMARY KEY, tenant INTEGER NOT NULL, lane INTEGER, pk INTEGER NOT NULL) WITHOUT ROWID",
            // The key counter (TaskKey): its low bits make keys of tasks created in the same millisecond distinct.
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "INSERT INTO counters (name, value) VALUES ('task_key', 0)",
            // Lists read backwards in key order (newest first), with the other dimensions at hand for filtering.
            "CREATE INDEX tasks_lane ON tasks (tenant, lane, pk, status, engine, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_status ON tasks (tenant, lane, status, pk, engine, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_engine ON tasks (tenant, lane, engine, pk, status, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_eps ON tasks (tenant, lane, eps, pk, status, engine, net) WHERE lane IS NOT NULL",
            // The source and target instances' IDs and IPs (canonical): one list per kind and side.
            "CREATE INDEX tasks_source_id ON tasks (tenant, lane, source_id, pk) WHERE lane IS NOT NULL AND source_id IS NOT NULL",
            "CREATE INDEX tasks_target_id ON tasks (tenant, lane, target_id, pk) WHERE lane IS NOT NULL AND target_id IS NOT NULL",
            "CREATE INDEX tasks_source_ip ON tasks (tenant, lane, source_ip, pk) WHERE lane IS NOT NULL AND source_ip IS NOT NULL",
            "CREATE INDEX tasks_target_ip ON tasks (tenant, lane, target_ip, pk) WHERE lane IS NOT NULL AND target_ip IS NOT NULL",
            // The name index: drs_trigram tokens are scoped to one tenant's lane (TrigramTokenizer); rowid = task key.
            "CREATE VIRTUAL TABLE task_names USING fts5(doc, content='', contentless_delete=1, tokenize='drs_trigram')",
        ] + legacySQLiteCopy + [
            // Planner statistics for the new indexes (drs never runs ANALYZE on SQLite; see migration 2).
            "DELETE FROM sqlite_stat1",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tasks', 'tasks_lane', '2000000 20000 5000 1 1 1 1 1')",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tasks', 'tasks_status', '2000000 20000 5000 500 1 1 1 1')",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tasks', 'tasks_engine', '2000000 20000 5000 1000 1 1 1 1')",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tasks', 'tasks_eps', '2000000 20000 5000 1000 1 1 1 1')",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tasks', 'tasks_children', '2000000 5 2 1')",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('task_ids', 'task_ids', '2000000 1')",
        ],
        postgres: [
            "CREATE SEQUENCE task_key_seq",
            "CREATE UNIQUE INDEX tasks_id ON tasks (id)",
            "ALTER TABLE tasks ADD COLUMN name_folded TEXT COLLATE \"C\" NOT NULL DEFAULT ''",
            "ALTER TABLE tasks ADD COLUMN grams TEXT[]",
            // Lists in answer order (create time descending, then ID), with the other dimensions at hand for filtering.
            "CREATE INDEX tasks_lane ON tasks (tenant, lane, created_ms DESC, id) INCLUDE (status, engine, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_status ON tasks (tenant, lane, status, created_ms DESC, id) INCLUDE (engine, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_engine ON tasks (tenant, lane, engine, created_ms DESC, id) INCLUDE (status, net, eps) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_eps ON tasks (tenant, lane, eps, created_ms DESC, id) INCLUDE (status, engine, net) WHERE lane IS NOT NULL",
            // The name index: 1-, 2- and 3-character pieces of the case-folded name, each prefixed with the tenant's lane,
            // so that a search reads only the entries of its own lane; 3 or more characters are checked again with LIKE.
            """
            CREATE FUNCTION drs_name_grams(scope text, folded text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT coalesce(array_agg(DISTINCT scope || '|' || substr(folded, i, n)), '{}')
                FROM generate_series(1, length(folded)) AS i, generate_series(1, 3) AS n
                WHERE i + n - 1 <= length(folded)
            $$
            """,
            """
            CREATE FUNCTION drs_query_grams(scope text, folded text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT CASE WHEN length(folded) < 3 THEN ARRAY[scope || '|' || folded]
                    ELSE ARRAY(SELECT DISTINCT scope || '|' || substr(folded, i, 3) FROM generate_series(1, length(folded) - 2) AS i) END
            $$
            """,
            "CREATE INDEX tasks_grams ON tasks USING gin (grams) WHERE lane IS NOT NULL",
            "CREATE INDEX tasks_source_id ON tasks (tenant, lane, source_id) WHERE lane IS NOT NULL AND source_id IS NOT NULL",
            "CREATE INDEX tasks_target_id ON tasks (tenant, lane, target_id) WHERE lane IS NOT NULL AND target_id IS NOT NULL",
            "CREATE INDEX tasks_source_ip ON tasks (tenant, lane, source_ip) WHERE lane IS NOT NULL AND source_ip IS NOT NULL",
            "CREATE INDEX tasks_target_ip ON tasks (tenant, lane, target_ip) WHERE lane IS NOT NULL AND target_ip IS NOT NULL",
        ] + legacyPostgresCopy
    )
}
