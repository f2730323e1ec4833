import DRSDomain
import PostgresNIO

/// The SQL of the query contract on PostgreSQL: the matches of a query in one tenant's lane, in answer order. Tag and
/// instance filters are semi-joins on per-tenant lists, so the planner can start from whichever side is smaller; names
/// are searched through grams scoped to the tenant's lane.
struct PostgresQueryPlan {
    let tenant: Int64
    let lane: Int
    let query: JobQuery

    init(_ query: JobQuery, tenant: Int64) {
        self.tenant = tenant
        self.lane = Lane.of(query)
        self.query = query
    }

    var isCountedByRollups: Bool {
        query.name == nil && query.tags.isEmpty && query.instanceIDs.isEmpty && query.instanceIP == nil
    }

    /// `SELECT t.pk, t.created_ms, t.id FROM tasks t WHERE …`: the matches.
    ///
    /// A name searched as text matches a task by ID or by name: the two are separate selects (`UNION ALL`, the second
    /// without the ID's task), so that the name's grams are only an index condition. Under an `OR` they were also a
    /// filter, and every candidate row's array of grams was unpacked again (a third of W8's time). The name select reads
    /// the narrow `task_names` (joined to the tasks only when other filters need their columns): its candidates are
    /// checked with `LIKE` on rows of a few dozen bytes, where the tasks' rows are ten times wider (W8 at 100,000 tasks:
    /// 850 pages read per request instead of 2,900).
    func matches(into statement: inout PostgresStatement) {
        statement += "SELECT t.pk, t.created_ms, t.id FROM tasks t WHERE t.tenant = \(bind: tenant) AND t.lane = \(bind: lane)"
        dimensions(into: &statement, alias: "t")
        conditions(into: &statement)
        guard case .text(let text) = query.name else { return }
        let folded = JobQuery.fold(text)
        let scope = Lane.nameScope(tenant: tenant, lane: lane)
        statement += " AND t.id = \(bind: text) UNION ALL SELECT n.pk, n.created_ms, n.id FROM task_names n"
        let needsTasks = !CountRollups.filtered(query).isEmpty || !query.tags.isEmpty || !query.instanceIDs.isEmpty || query.instanceIP != nil
        if needsTasks { statement += " JOIN tasks t ON t.pk = n.pk" }
        statement += " WHERE n.tenant = \(bind: tenant) AND n.lane = \(bind: lane)"
        if needsTasks {
            dimensions(into: &statement, alias: "t")
            conditions(into: &statement)
        }
        statement += " AND n.id <> \(bind: text) AND \(raw: Self.nameGrams("n")) @> drs_query_grams(\(bind: scope), \(bind: folded))"
        if folded.unicodeScalars.count >= 3 { statement += " AND n.name_folded LIKE \(bind: "%" + Self.escapeLike(folded) + "%") ESCAPE '\\'" }
    }

    /// The indexed expression of `task_names` (`task_names_grams`): its rows' grams, written the index's way so that the
    /// planner uses the index.
    static func nameGrams(_ alias: String? = nil) -> String {
        let prefix = alias.map { "\($0)." } ?? ""
        return "drs_name_grams(\(prefix)tenant::text || '.' || \(prefix)lane::text, \(prefix)name_folded)"
    }

    /// The conditions other than the dimensions and a name searched as text, on tasks `t`.
    func conditions(into statement: inout PostgresStatement) {
        func member(_ table: String, _ condition: PostgresStatement.Fragment) {
            statement += " AND EXISTS (SELECT 1 FROM \(raw: table) m WHERE m.tenant = \(bind: tenant) AND m.lane = \(bind: lane) AND "
            statement += condition
            statement += " AND m.pk = t.pk)"
        }
        if !query.instanceIDs.isEmpty {
            let ids = Array(Set(query.instanceIDs)).sorted()
            statement += " AND (t.source_id = ANY(\(bind: ids)) OR t.target_id = ANY(\(bind: ids)))"
        }
        if let ip = query.instanceIP { statement += " AND (t.source_ip = \(bind: ip) OR t.target_ip = \(bind: ip))" }
        for tag in query.tags {
            if let value = tag.value {
                member("task_tags", "m.key = \(bind: tag.key) AND m.value = \(bind: value)")
            } else {
                member("task_tags", "m.key = \(bind: tag.key)")
            }
        }
        // A name searched as text: see matches(into:).
        if case .ids(let ids) = query.name { statement += " AND t.id = ANY(\(bind: ids))" }
    }

    /// The conditions on the filtered dimensions.
    func dimensions(into statement: inout PostgresStatement, alias: String) {
        for (dimension, value) in CountRollups.filtered(query).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            switch value {
            case .integer(let integer): statement += " AND \(raw: alias).\(raw: dimension.rawValue) = \(bind: integer)"
            case .text(let text): statement += " AND \(raw: alias).\(raw: dimension.rawValue) = \(bind: text)"
            }
        }
    }

    /// The facets whose bits give the total (``Facets``), or nil.
    var facetParts: [[String]]? { isCountedByRollups ? nil : Facets.parts(of: query) }

    /// `SELECT … AS n`: the number of matches, a sum of count rows when the query allows it. (When facet bits give it,
    /// they are read instead: ``facetBits(_:)``, or along with the page.)
    func total(into statement: inout PostgresStatement) {
        guard isCountedByRollups else {
            statement += "SELECT count(*) AS n FROM matches"
            return
        }
        population(into: &statement)
    }

    /// The rows (kind 0: a task, 1: its subtasks) of `source`, a relation of matches with columns pk, created_ms, id, in
    /// answer order; a last column holds facet bits in the rows that carry them (``facetRows``).
    static func rows(of source: String) -> String {
        switch source {
        case "page": rowsOfPage
        case "matches": rowsOfMatches
        default: makeRows(of: source)
        }
    }

    /// Built once: every request's statement holds one of them.
    private static let rowsOfPage = makeRows(of: "page")
    private static let rowsOfMatches = makeRows(of: "matches")

    private static func makeRows(of source: String) -> String {
        """
        SELECT 0 AS kind, s.created_ms AS sort_time, s.id AS sort_id, \(PostgresTaskColumns.list("t")), NULL::bytea AS bits
            FROM \(source) s JOIN tasks t ON t.pk = s.pk
        UNION ALL
        SELECT 1, s.created_ms, s.id, \(PostgresTaskColumns.list("t")), NULL FROM \(source) s JOIN tasks t ON t.parent_pk = s.pk
        """
    }

    /// Rows of kind 2: a chunk of facet bits each (chunk number as the sort time, facet as the sort ID, bits last).
    func facetRows(_ facets: [String], into statement: inout PostgresStatement) {
        statement += " UNION ALL SELECT 2, b.chunk, b.facet, "
        statement += "\(raw: Array(repeating: "NULL", count: PostgresTaskColumns.count).joined(separator: ", ")), b.bits FROM task_bits b "
        statement += "WHERE b.tenant = \(bind: tenant) AND b.facet = ANY(\(bind: facets))"
    }

    /// The facet bits of `facets`, chunk by chunk.
    func facetBits(_ facets: [String]) -> PostgresStatement {
        PostgresStatement("SELECT facet, chunk, bits FROM task_bits WHERE tenant = \(bind: tenant) AND facet = ANY(\(bind: facets))")
    }

    /// The total from facet rows: (facet, chunk number, bits) each.
    static func facetTotal(_ parts: [[String]], _ rows: [(facet: String, chunk: Int64, bits: ByteBuffer)]) throws -> Int {
        var chunks: [String: [Int64: BitChunk]] = [:]
        for row in rows {
            guard let chunk = row.bits.withUnsafeReadableBytes({ BitChunk(bytes: $0) }) else {
                throw StoreError.corrupt("facet bits of \(row.facet)")
            }
            chunks[row.facet, default: [:]][row.chunk] = chunk
        }
        return Facets.count(parts, chunks: chunks)
    }

    static let rowOrder = "ORDER BY r.sort_time DESC, r.sort_id, r.kind, r.created_ms, r.id"

    /// What the last page of the same filter showed: its total, and how many tasks its dimensions select
    /// (`population`, from the count tables: the tasks a walk would pass over).
    struct WalkHint: Sendable, Equatable {
        var total: Int
        var population: Int

        /// Whether a walk of the newest tasks finds a page within its budget: one task in fifty or more matches.
        var favoursWalking: Bool { total > 0 && total * PostgresQueryPlan.walkRatio >= population }
    }

    /// One statement for a page: the total (for a query counted by facet bits, the population of its dimensions
    /// instead, see ``WalkHint``), then the page's tasks and subtasks (or one row of NULLs after the total), then the
    /// facet bits that give the total when the query has them (rows of kind 2).
    ///
    /// When the last page of the same filter showed that one task in fifty or more matches (`hint`), the page is first
    /// looked for by walking the newest tasks of the lane: such a page is found within fifty tasks per task it needs,
    /// where a semi-join collects and sorts every match first. When the walk neither fills the page nor reaches the
    /// end of the lane, the statement takes the page from every match instead (a one-time filter: PostgreSQL runs that
    /// side only then), so the answer never depends on the hint.
    func page(offset: Int, limit: Int, hint: WalkHint? = nil) -> PostgresStatement {
        var statement = PostgresStatement("WITH matches AS (")
        matches(into: &statement)
        let pageOfMatches: PostgresStatement.Fragment =
            "SELECT pk, created_ms, id FROM matches ORDER BY created_ms DESC, id LIMIT \(bind: limit) OFFSET \(bind: offset)"
        if let hint, hint.favoursWalking {
            let needed = offset + limit
            let budget = min(Self.walkBudget.upperBound, max(Self.walkBudget.lowerBound, needed * Self.walkRatio))
            statement +=
                "), scan AS MATERIALIZED (SELECT t.pk, t.created_ms, t.id, t.source_id, t.target_id, t.source_ip, t.target_ip FROM tasks t WHERE t.tenant = \(bind: tenant) AND t.lane = \(bind: lane)"
            dimensions(into: &statement, alias: "t")
            statement +=
                " ORDER BY t.created_ms DESC, t.id LIMIT \(bind: budget)), walk AS MATERIALIZED (SELECT t.pk, t.created_ms, t.id FROM scan t WHERE true"
            conditions(into: &statement)
            // The walk answers when it filled the page or passed every task of the lane.
            let walked: PostgresStatement.Fragment =
                "((SELECT count(*) FROM walk) >= \(bind: needed) OR (SELECT count(*) FROM scan) < \(bind: budget))"
            statement +=
                "), page AS (SELECT * FROM (SELECT pk, created_ms, id FROM walk ORDER BY created_ms DESC, id LIMIT \(bind: limit) OFFSET \(bind: offset)) w WHERE "
            statement += walked
            statement += " UNION ALL SELECT * FROM ("
            statement += pageOfMatches
            statement += ") m WHERE NOT "
            statement += walked
        } else {
            statement += "), page AS ("
            statement += pageOfMatches
        }
        statement += "), total AS ("
        if facetParts != nil { population(into: &statement) } else { total(into: &statement) }
        statement += ") SELECT total.n, r.* FROM total LEFT JOIN (\(raw: Self.rows(of: "page"))"
        if let parts = facetParts { facetRows(Array(Set(parts.joined())).sorted(), into: &statement) }
        statement += ") r ON true \(raw: Self.rowOrder)"
        return statement
    }

    /// `SELECT … AS n`: the number of tasks of the lane that the query's dimensions select, from the count tables.
    func population(into statement: inout PostgresStatement) {
        let rollup = CountRollups.best(for: Set(CountRollups.filtered(query).keys))
        statement +=
            "SELECT coalesce(sum(c.n), 0)::bigint AS n FROM \(raw: rollup.table) c WHERE c.tenant = \(bind: tenant) AND c.lane = \(bind: lane)"
        dimensions(into: &statement, alias: "c")
    }

    /// A walk passes over at most this many tasks per task the page needs, within ``walkBudget``.
    static let walkRatio = 50
    static let walkBudget = 1_000...20_000

    /// The total alone.
    func count() -> PostgresStatement {
        var statement = PostgresStatement("WITH matches AS (")
        matches(into: &statement)
        statement += ") "
        total(into: &statement)
        return statement
    }

    /// Every match with its subtasks, in answer order.
    func all() -> PostgresStatement {
        var statement = PostgresStatement("WITH matches AS (")
        matches(into: &statement)
        statement += ") SELECT r.* FROM (\(raw: Self.rows(of: "matches"))) r \(raw: Self.rowOrder)"
        return statement
    }

    /// `text` with LIKE's wildcards and escape character escaped.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
