import DRSDomain
import PostgresNIO
import Synchronization

extension PostgresStore {
    public func page<T>(
        _ query: JobQuery,
        offset: Int,
        limit: Int,
        project: String,
        _ body: (_ total: Int, _ rows: any TaskRowCursor) throws -> T
    ) async throws -> T {
        let (total, rows): (Int, [PostgresRow]) = try await withConnection { connection in
            guard let tenant = try await tenant(project, connection) else { return (0, []) }
            // One statement: one snapshot, one round trip.
            let plan = PostgresQueryPlan(query, tenant: tenant)
            guard let parts = plan.facetParts else {
                let rows = try await PreparedStatements.all(plan.page(offset: offset, limit: limit), on: connection, logger: logger)
                return (try rows.first?.makeRandomAccess()[0].decode(Int.self) ?? 0, rows)
            }
            let key = "\(tenant) \(plan.lane) \(CountRollups.filtered(query).sorted { $0.key.rawValue < $1.key.rawValue }) \(parts)"
            let hint = walkHints.withLock { $0[key] }
            let rows = try await PreparedStatements.all(plan.page(offset: offset, limit: limit, hint: hint), on: connection, logger: logger)
            // The facet bits came as rows of kind 2.
            var bits: [(facet: String, chunk: Int64, bits: ByteBuffer)] = []
            for row in rows {
                let columns = row.makeRandomAccess()
                guard try columns[1].decode(Int?.self) == 2 else { continue }
                bits.append(
                    (try columns[3].decode(String.self), try columns[2].decode(Int64.self), try columns[columns.count - 1].decode(ByteBuffer.self))
                )
            }
            let total = try PostgresQueryPlan.facetTotal(parts, bits)
            let seen = PostgresQueryPlan.WalkHint(total: total, population: try rows.first?.makeRandomAccess()[0].decode(Int.self) ?? 0)
            if seen != hint {
                walkHints.withLock { hints in
                    if hints.count >= Self.walkHintLimit { hints.removeAll() }
                    hints[key] = seen
                }
            }
            return (total, rows)
        }
        return try body(total, PostgresRowCursor(rows, kindColumn: 1))
    }

    /// The number of matches of a query that facet bits count (`parts`: ``Facets/parts(of:)``).
    func facetTotal(_ plan: PostgresQueryPlan, _ parts: [[String]], _ connection: PostgresConnection) async throws -> Int {
        let rows = try await PreparedStatements.all(plan.facetBits(Array(Set(parts.joined())).sorted()), on: connection, logger: logger)
        return try PostgresQueryPlan.facetTotal(parts, try rows.map { try $0.decode((String, Int64, ByteBuffer).self) })
    }

    public func streamAll<R: Sendable>(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        render: @escaping @Sendable (any TaskRowCursor) throws -> R,
        emit: (R) async throws -> Void
    ) async throws {
        // The total and the rows from one snapshot.
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            guard let tenant = try await tenant(project, connection) else { return try await onTotal(0) }
            let plan = PostgresQueryPlan(query, tenant: tenant)
            let total: Int
            if let parts = plan.facetParts {
                total = try await facetTotal(plan, parts, connection)
            } else {
                total = try await PreparedStatements.all(plan.count(), on: connection, logger: logger).first?.decode(Int.self) ?? 0
            }
            try await onTotal(total)
            try await Self.batches(plan.all(), batchSize: batchSize, on: connection, logger: logger) { rows in
                try await emit(try render(PostgresRowCursor(rows, kindColumn: 0)))
            }
        }
    }

    /// The rows of `statement` (kind first) in batches of at most `batchSize` tasks with their subtasks, each handed to
    /// `body` before more rows are read. `body` must not run statements on `connection`: they would wait for the end of
    /// these rows, which waits for `body` (small answers arrive whole before that matters; large ones never end).
    static func batches(
        _ statement: PostgresStatement,
        batchSize: Int,
        on connection: PostgresConnection,
        logger: Logger,
        _ body: ([PostgresRow]) async throws -> Void
    ) async throws {
        var batch: [PostgresRow] = []
        var tasks = 0
        try await PreparedStatements.forEachRow(statement, on: connection, logger: logger) { row in
            if try row.makeRandomAccess()[0].decode(Int.self) == 0 {
                if tasks == batchSize {
                    try await body(batch)
                    batch.removeAll(keepingCapacity: true)
                    tasks = 0
                }
                tasks += 1
            }
            batch.append(row)
        }
        if !batch.isEmpty { try await body(batch) }
    }

    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            guard let tenant = try await tenant(project, connection) else { return }
            // The keys first, then the rows batch by batch: a connection runs the next statement (a batch's tags and
            // lifecycle) only once the rows of the one before are read to the end.
            let keys = try await PreparedStatements.all(
                PostgresStatement("SELECT pk FROM tasks WHERE tenant = \(bind: tenant) AND lane IS NOT NULL ORDER BY created_ms DESC, id"),
                on: connection,
                logger: logger
            ).map { try $0.decode(Int64.self) }
            for batchKeys in keys.chunks(of: batchSize) {
                let statement = PostgresStatement(
                    """
                    WITH matches AS (SELECT pk, created_ms, id FROM tasks WHERE pk = ANY(\(bind: Array(batchKeys))))
                    SELECT r.* FROM (\(raw: PostgresQueryPlan.rows(of: "matches"))) r \(raw: PostgresQueryPlan.rowOrder)
                    """
                )
                let cursor = PostgresRowCursor(try await PreparedStatements.all(statement, on: connection, logger: logger), kindColumn: 0)
                var records: [(key: Int64, record: JobRecord, isChild: Bool)] = []
                while let kind = try cursor.next() { records.append((cursor.key, try cursor.record(), kind == .child)) }
                let details = try await Self.details(of: records.map(\.key), on: connection, logger: logger)
                let lives = try await Self.lives(of: records.map(\.key), on: connection, logger: logger)
                var batch: [JobRecord] = []
                for (key, record, isChild) in records {
                    var record = record
                    details.fill(&record, key: key)
                    record.kept = lives[key].map(SQLiteStore.kept)
                    if isChild { batch[batch.count - 1].children.append(record) } else { batch.append(record) }
                }
                try await onBatch(batch)
            }
        }
    }

    /// The stored lifecycle of tasks by key.
    static func lives(of keys: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: StoredLife] {
        var lives: [Int64: StoredLife] = [:]
        let statement = PostgresStatement("SELECT pk, state, config FROM task_life WHERE pk = ANY(\(bind: keys))")
        try await PreparedStatements.forEachRow(statement, on: connection, logger: logger) { row in
            let (key, state, config) = try row.decode((Int64, String, String?).self)
            lives[key] = StoredLife(state: try LifeCodec.decode(state), config: config)
        }
        return lives
    }

    /// The tags of tasks by key (their instances are columns of their rows).
    static func details(of keys: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> TaskDetails {
        var details = TaskDetails()
        let tags = PostgresStatement("SELECT pk, key, value FROM task_tags WHERE pk = ANY(\(bind: keys)) ORDER BY pk, position")
        try await PreparedStatements.forEachRow(tags, on: connection, logger: logger) { row in
            let (key, name, value) = try row.decode((Int64, String, String).self)
            details.tags[key, default: []].append(JobRecord.Tag(key: name, value: value))
        }
        return details
    }
}

/// The tags of several tasks.
struct TaskDetails {
    var tags: [Int64: [JobRecord.Tag]] = [:]

    func fill(_ record: inout JobRecord, key: Int64) {
        record.tags = tags[key] ?? []
    }
}
