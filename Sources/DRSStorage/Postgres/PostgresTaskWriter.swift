import DRSDomain
import PostgresNIO

/// The write path of the PostgreSQL store: every change to a task goes through here, inside the caller's transaction,
/// and keeps the count tables, the tag and instance lists and the name index (`task_names`) in step. Rows are written in batches
/// (arrays bound to `unnest`), so an import is a few statements per thousand tasks.
final class PostgresTaskWriter: TaskWriter {
    let connection: PostgresConnection
    let tenant: Int64
    let logger: Logger
    private var counts = CountDelta()
    private var facets = FacetDelta()
    /// Set by imports: every task written gets the first line of its transition log (cause `import`) at this time.
    var importTime: Int64?

    /// Rows per statement of a batch write.
    static let batchSize = 2_000
    /// Stands for NULL in bound integer arrays.
    static let null = Int64.min

    init(_ connection: PostgresConnection, tenant: Int64, logger: Logger) {
        self.connection = connection
        self.tenant = tenant
        self.logger = logger
    }

    func all(_ statement: PostgresStatement) async throws -> [PostgresRow] {
        try await PreparedStatements.all(statement, on: connection, logger: logger)
    }

    func run(_ statement: PostgresStatement) async throws {
        try await PreparedStatements.run(statement, on: connection, logger: logger)
    }

    // MARK: Reading (rows read to be changed are locked until the transaction ends)

    func find(id: String) async throws -> StoredTask? {
        try await stored(
            PostgresStatement(
                "SELECT 0, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.id = \(bind: id) AND t.tenant = \(bind: tenant) FOR UPDATE"
            )
        ).first
    }

    func children(of task: StoredTask) async throws -> [StoredTask] {
        try await stored(
            PostgresStatement(
                "SELECT 1, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.parent_pk = \(bind: task.key) ORDER BY t.created_ms, t.id FOR UPDATE"
            )
        )
    }

    func stored(_ statement: PostgresStatement) async throws -> [StoredTask] {
        let cursor = PostgresRowCursor(try await all(statement), kindColumn: 0, firstColumn: 1)
        var tasks: [StoredTask] = []
        while try cursor.next() != nil { tasks.append(StoredTask(key: cursor.key, parentKey: cursor.parentKey, record: try cursor.record())) }
        let details = try await PostgresStore.details(of: tasks.map(\.key), on: connection, logger: logger)
        for index in tasks.indices { details.fill(&tasks[index].record, key: tasks[index].key) }
        return tasks
    }

    // MARK: Writing

    func insert(_ record: JobRecord) async throws -> Int64 {
        try await insert([record])[0]
    }

    /// Stores top-level tasks with their children; returns their keys.
    @discardableResult
    func insert(_ records: [JobRecord]) async throws -> [Int64] {
        for record in records {
            for task in [record] + record.children where !TaskKey.createTimeRange.contains(task.createTime) {
                throw StoreError.unsupported("create_time of task \(task.id) is outside the years drs can store")
            }
        }
        var keys: [Int64] = []
        for chunk in records.chunks(of: Self.batchSize) {
            let ordinals = try await sequence("task_ord_seq", count: chunk.count)
            let parents = try await insertRows(chunk.map { ($0, Lane.of($0.dbUseType, $0.status), nil) }, ordinals: ordinals)
            keys += parents
            var children: [(JobRecord, Int?, Int64?)] = []
            for (record, ordinal) in zip(chunk, ordinals) {
                counts.add(CountKey(tenant: tenant, record: record), 1)
                facets.record(Facets.of(record, lane: Lane.of(record.dbUseType, record.status)), ordinal: ordinal, set: true)
            }
            for (record, key) in zip(chunk, parents) { children += record.children.map { ($0, nil, key) } }
            let childKeys = try await insertRows(children, ordinals: Array(repeating: Self.null, count: children.count))
            try await insertDetails(zip(chunk, parents).map { ($0, $1, Lane.of($0.dbUseType, $0.status)) })
            try await insertDetails(zip(children, childKeys).map { ($0.0, $1, nil) })
            if let importTime { try await logImport(parents + childKeys, at: importTime) }
            for (record, key) in zip(chunk.map { $0 } + children.map(\.0), parents + childKeys) {
                guard let kept = record.kept else { continue }
                try await storeLife(StoredLife(state: kept.state(of: record), config: kept.config.text), key: key)
            }
        }
        return keys
    }

    /// Inserts rows under new keys (create time and the key sequence); a key that is taken is replaced by one with the
    /// sequence's next value. `ordinals` holds each row's ordinal (``null`` for subtasks). Returns the keys in order.
    private func insertRows(_ rows: [(record: JobRecord, lane: Int?, parentKey: Int64?)], ordinals: [Int64]) async throws -> [Int64] {
        guard !rows.isEmpty else { return [] }
        var keys = try await newKeys(rows.map(\.record.createTime))
        var pending = Array(rows.indices)
        while !pending.isEmpty {
            let inserted = Set(try await insertRowBatch(pending.map { (rows[$0], keys[$0]) }, ordinals: pending.map { ordinals[$0] }))
            pending = pending.filter { !inserted.contains(keys[$0]) }
            let fresh = try await newKeys(pending.map { rows[$0].record.createTime })
            for (index, key) in zip(pending, fresh) { keys[index] = key }
        }
        return keys
    }

    private func newKeys(_ createTimes: [Int64]) async throws -> [Int64] {
        let sequence = try await sequence("task_key_seq", count: createTimes.count)
        return zip(createTimes, sequence).map { TaskKey.make(createTime: $0, sequence: $1) }
    }

    /// The next `count` values of a sequence.
    private func sequence(_ name: String, count: Int) async throws -> [Int64] {
        guard count > 0 else { return [] }
        return try await all(PostgresStatement("SELECT nextval('\(raw: name)') FROM generate_series(1, \(bind: count))"))
            .map { try $0.decode(Int64.self) }
    }

    /// One INSERT of many rows; returns the keys that were free.
    private func insertRowBatch(_ rows: [((record: JobRecord, lane: Int?, parentKey: Int64?), Int64)], ordinals: [Int64]) async throws -> [Int64] {
        let records = rows.map(\.0.record)
        func codes(_ value: (JobRecord) -> Int) -> [Int64] { records.map { Int64(value($0)) } }
        // The rows, and in the same statement the top-level ones' entries in the name index (``task_names``), lane by
        // lane, so that a name search of one lane reads fewer pages of that table (W8 after an import: 850 pages instead of 1,600).
        var statement = PostgresStatement(
            """
            WITH inserted AS (
            INSERT INTO tasks (pk, tenant, lane, parent_pk, child_count, created_ms, id, status, engine, net, eps, scenario, direction,
                task_type, charging, current_action, billing_tag, node_new_framework, name, description, error_msg, source_id, source_ip,
                target_id, target_ip, name_folded, ord)
            SELECT u.pk, \(bind: tenant), NULLIF(u.lane, \(bind: Self.null)), NULLIF(u.parent_pk, \(bind: Self.null)), u.child_count,
                u.created_ms, u.id, u.status, u.engine, u.net, u.eps, u.scenario, u.direction, u.task_type, u.charging,
                NULLIF(u.current_action, \(bind: Self.null)), u.billing_tag, u.node_new_framework, u.name, u.description,
                CASE WHEN u.has_error THEN u.error_msg END, NULLIF(u.source_id, ''), NULLIF(u.source_ip, ''),
                NULLIF(u.target_id, ''), NULLIF(u.target_ip, ''), u.name_folded, NULLIF(u.ord, \(bind: Self.null))
            FROM unnest(
            """
        )
        statement += "\(bind: rows.map(\.1)), \(bind: rows.map { $0.0.lane.map(Int64.init) ?? Self.null })"
        statement += ", \(bind: rows.map { $0.0.parentKey ?? Self.null }), \(bind: rows.map { Int64($0.0.record.children.count) })"
        statement += ", \(bind: records.map(\.createTime)), \(bind: records.map(\.id))"
        statement += ", \(bind: codes { $0.status.code }), \(bind: codes { $0.engineType.code }), \(bind: codes { $0.netType.code })"
        statement += ", \(bind: records.map(\.enterpriseProjectID)), \(bind: codes { $0.dbUseType.code }), \(bind: codes { $0.jobDirection.code })"
        statement += ", \(bind: codes { $0.taskType.code }), \(bind: codes { $0.chargingMode.code })"
        statement += ", \(bind: records.map { $0.currentAction.map { Int64($0.code) } ?? Self.null })"
        statement += ", \(bind: codes { $0.billingTag ? 1 : 0 }), \(bind: codes { $0.nodeNewFramework ? 1 : 0 })"
        statement += ", \(bind: records.map(\.name)), \(bind: records.map(\.description)), \(bind: records.map { $0.errorMessage != nil })"
        statement += ", \(bind: records.map { $0.errorMessage ?? "" })"
        statement += ", \(bind: records.map { $0.sourceInstance?.id ?? "" }), \(bind: records.map { $0.sourceInstance?.ip ?? "" })"
        statement += ", \(bind: records.map { $0.targetInstance?.id ?? "" }), \(bind: records.map { $0.targetInstance?.ip ?? "" })"
        statement += ", \(bind: records.map { JobQuery.fold($0.name) }), \(bind: ordinals)"
        statement += """
            ) AS u(pk, lane, parent_pk, child_count, created_ms, id, status, engine, net, eps, scenario, direction, task_type, charging,
                current_action, billing_tag, node_new_framework, name, description, has_error, error_msg, source_id, source_ip, target_id,
                target_ip, name_folded, ord)
            ON CONFLICT (pk) DO NOTHING RETURNING pk, tenant, lane, created_ms, id, name_folded
            ), named AS (
            INSERT INTO task_names (pk, tenant, lane, created_ms, id, name_folded)
            SELECT pk, tenant, lane, created_ms, id, name_folded FROM inserted WHERE lane IS NOT NULL ORDER BY lane, created_ms DESC
            )
            SELECT pk FROM inserted
            """
        return try await all(statement).map { try $0.decode(Int64.self) }
    }

    /// The tags of tasks, in one INSERT.
    private func insertDetails(_ tasks: [(record: JobRecord, key: Int64, lane: Int?)]) async throws {
        var tags: (keys: [Int64], names: [String], values: [String], positions: [Int64], lanes: [Int64]) = ([], [], [], [], [])
        for (record, key, lane) in tasks {
            let lane = lane.map(Int64.init) ?? Self.null
            for (position, tag) in record.tags.enumerated() {
                tags.keys.append(key)
                tags.names.append(tag.key)
                tags.values.append(tag.value)
                tags.positions.append(Int64(position))
                tags.lanes.append(lane)
            }
        }
        guard !tags.keys.isEmpty else { return }
        try await run(
            PostgresStatement(
                """
                INSERT INTO task_tags (pk, key, value, position, tenant, lane)
                SELECT u.pk, u.key, u.value, u.position, \(bind: tenant), NULLIF(u.lane, \(bind: Self.null))
                FROM unnest(\(bind: tags.keys), \(bind: tags.names), \(bind: tags.values), \(bind: tags.positions), \(bind: tags.lanes))
                    AS u(pk, key, value, position, lane)
                """
            )
        )
    }

    func update(_ task: StoredTask, to record: JobRecord) async throws {
        let old = task.record
        let isTopLevel = task.parentKey == nil
        let oldLane = isTopLevel ? Lane.of(old.dbUseType, old.status) : nil
        let lane = isTopLevel ? Lane.of(record.dbUseType, record.status) : nil
        let laneCode = lane.map(Int64.init) ?? Self.null
        let folded = JobQuery.fold(record.name)
        try await run(
            PostgresStatement(
                """
                UPDATE tasks SET lane = NULLIF(\(bind: laneCode), \(bind: Self.null)), status = \(bind: record.status.code),
                    engine = \(bind: record.engineType.code), net = \(bind: record.netType.code), eps = \(bind: record.enterpriseProjectID),
                    scenario = \(bind: record.dbUseType.code), direction = \(bind: record.jobDirection.code),
                    task_type = \(bind: record.taskType.code), charging = \(bind: record.chargingMode.code),
                    current_action = NULLIF(\(bind: record.currentAction.map { Int64($0.code) } ?? Self.null), \(bind: Self.null)), billing_tag = \(bind: record.billingTag ? 1 : 0),
                    node_new_framework = \(bind: record.nodeNewFramework ? 1 : 0), name = \(bind: record.name),
                    description = \(bind: record.description),
                    error_msg = CASE WHEN \(bind: record.errorMessage != nil) THEN \(bind: record.errorMessage ?? "") END,
                    source_id = NULLIF(\(bind: record.sourceInstance?.id ?? ""), ''), source_ip = NULLIF(\(bind: record.sourceInstance?.ip ?? ""), ''),
                    target_id = NULLIF(\(bind: record.targetInstance?.id ?? ""), ''), target_ip = NULLIF(\(bind: record.targetInstance?.ip ?? ""), ''),
                    name_folded = \(bind: folded)
                WHERE pk = \(bind: task.key)
                """
            )
        )
        if let lane, lane != oldLane || folded != JobQuery.fold(old.name) {
            try await run(
                PostgresStatement(
                    "UPDATE task_names SET lane = \(bind: Int64(lane)), name_folded = \(bind: folded) WHERE pk = \(bind: task.key)"
                )
            )
        }
        if lane != oldLane {
            try await run(PostgresStatement("UPDATE task_tags SET lane = NULLIF(\(bind: laneCode), \(bind: Self.null)) WHERE pk = \(bind: task.key)"))
        }
        if record.tags != old.tags {
            try await removeDetails([task.key])
            try await insertDetails([(record, task.key, lane)])
        }
        if let oldLane, let lane {
            counts.move(from: CountKey(tenant: tenant, record: old), to: CountKey(tenant: tenant, record: record))
            let ordinal = try await ordinal(of: task.key)
            facets.move(ordinal: ordinal, from: Facets.of(old, lane: oldLane), to: Facets.of(record, lane: lane))
        }
    }

    private func ordinal(of key: Int64) async throws -> Int64 {
        guard let ordinal = try await ordinals(of: [key])[key] else { throw StoreError.corrupt("task \(key) has no ordinal") }
        return ordinal
    }

    /// The ordinals of top-level tasks by key.
    private func ordinals(of keys: [Int64]) async throws -> [Int64: Int64] {
        var ordinals: [Int64: Int64] = [:]
        for row in try await all(PostgresStatement("SELECT pk, ord FROM tasks WHERE pk = ANY(\(bind: keys)) AND ord IS NOT NULL")) {
            let (key, ordinal) = try row.decode((Int64, Int64).self)
            ordinals[key] = ordinal
        }
        return ordinals
    }

    func remove(_ task: StoredTask) async throws {
        var keys = [task.key]
        if task.parentKey == nil {
            keys += try await all(PostgresStatement("SELECT pk FROM tasks WHERE parent_pk = \(bind: task.key)")).map { try $0.decode(Int64.self) }
            counts.add(CountKey(tenant: tenant, record: task.record), -1)
            let lane = Lane.of(task.record.dbUseType, task.record.status)
            facets.record(Facets.of(task.record, lane: lane), ordinal: try await ordinal(of: task.key), set: false)
        } else if let parent = task.parentKey {
            try await run(PostgresStatement("UPDATE tasks SET child_count = child_count - 1 WHERE pk = \(bind: parent)"))
        }
        try await removeDetails(keys)
        try await removeLife(keys: keys)
        try await run(PostgresStatement("DELETE FROM task_names WHERE pk = ANY(\(bind: keys))"))
        try await run(PostgresStatement("DELETE FROM tasks WHERE pk = ANY(\(bind: keys))"))
    }

    private func removeDetails(_ keys: [Int64]) async throws {
        try await run(PostgresStatement("DELETE FROM task_tags WHERE pk = ANY(\(bind: keys))"))
    }

    /// Removes the tenant's tasks and subtasks with these IDs (with their children); refuses, before changing anything,
    /// an ID of another tenant. `paths` says where each ID is in the import document.
    func removeExisting(ids: [(id: String, path: String)]) async throws {
        var found: [String: (tenant: Int64, key: Int64, parentKey: Int64?)] = [:]
        for chunk in ids.chunks(of: Self.batchSize) {
            let rows = try await all(
                PostgresStatement("SELECT id, tenant, pk, parent_pk FROM tasks WHERE id = ANY(\(bind: chunk.map(\.id))) FOR UPDATE")
            )
            for row in rows {
                let (id, tenant, key, parent) = try row.decode((String, Int64, Int64, Int64?).self)
                found[id] = (tenant, key, parent)
            }
        }
        guard !found.isEmpty else { return }
        if let foreign = ids.first(where: { found[$0.id].map { $0.tenant != tenant } ?? false }) {
            throw StoreError.idInOtherProject(path: foreign.path, id: foreign.id)
        }
        let topLevel = found.values.filter { $0.parentKey == nil }.map(\.key)
        let children = try await all(PostgresStatement("SELECT pk FROM tasks WHERE parent_pk = ANY(\(bind: topLevel))")).map {
            try $0.decode(Int64.self)
        }
        let removed = Set(found.values.map(\.key) + children)
        // Totals: the removed top-level tasks, grouped by their counted dimensions.
        let groups = try await all(
            PostgresStatement(
                "SELECT lane, status, engine, net, eps, count(*) FROM tasks WHERE pk = ANY(\(bind: topLevel)) GROUP BY lane, status, engine, net, eps"
            )
        )
        for row in groups {
            let (lane, status, engine, net, eps, n) = try row.decode((Int, Int, Int, Int, String, Int).self)
            counts.add(CountKey(tenant: tenant, lane: lane, status: status, engine: engine, net: net, eps: eps), -n)
        }
        // Facet bits: the removed top-level tasks, as stored.
        let ordinals = try await ordinals(of: topLevel)
        for chunk in topLevel.chunks(of: Self.batchSize) {
            let statement = PostgresStatement(
                "SELECT 0, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.pk = ANY(\(bind: Array(chunk)))"
            )
            for task in try await stored(statement) {
                let lane = Lane.of(task.record.dbUseType, task.record.status)
                facets.record(Facets.of(task.record, lane: lane), ordinal: ordinals[task.key] ?? 0, set: false)
            }
        }
        // Subtasks whose parent stays lose a child.
        for task in found.values {
            guard let parent = task.parentKey, !removed.contains(parent) else { continue }
            try await run(PostgresStatement("UPDATE tasks SET child_count = child_count - 1 WHERE pk = \(bind: parent)"))
        }
        let keys = Array(removed)
        try await removeDetails(keys)
        try await removeLife(keys: keys)
        try await run(PostgresStatement("DELETE FROM task_names WHERE pk = ANY(\(bind: keys))"))
        try await run(PostgresStatement("DELETE FROM tasks WHERE pk = ANY(\(bind: keys))"))
    }

    /// Writes the count changes, in one order (table, then key), so that concurrent writers never wait on each other in
    /// a circle; call once, before COMMIT.
    func finish() async throws {
        // Writers of one tenant finish one at a time: facet chunks are read, changed and written back whole, so two
        // writers must not both create the same chunk. Held from here to COMMIT, the last moments of the transaction.
        if !counts.isEmpty || !facets.isEmpty {
            try await run(PostgresStatement("SELECT 1 FROM tenants WHERE tenant = \(bind: tenant) FOR UPDATE"))
        }
        for rollup in CountRollups.all {
            let rows = counts.rows(of: rollup).sorted { "\($0.tenant)|\($0.lane)|\($0.values)" < "\($1.tenant)|\($1.lane)|\($1.values)" }
            for row in rows {
                var statement = PostgresStatement(
                    "INSERT INTO \(raw: rollup.table) (\(raw: rollup.keyColumns.joined(separator: ", ")), n) VALUES (\(bind: row.tenant), \(bind: row.lane)"
                )
                for value in row.values {
                    switch value {
                    case .integer(let integer): statement += ", \(bind: integer)"
                    case .text(let text): statement += ", \(bind: text)"
                    }
                }
                statement +=
                    ", \(bind: row.n)) ON CONFLICT (\(raw: rollup.keyColumns.joined(separator: ", "))) DO UPDATE SET n = \(raw: rollup.table).n + excluded.n"
                try await run(statement)
            }
            if rows.contains(where: { $0.n < 0 }) {
                try await run(PostgresStatement("DELETE FROM \(raw: rollup.table) WHERE tenant = \(bind: tenant) AND n = 0"))
            }
        }
        counts.reset()
        try await writeFacets()
    }

    /// Applies the facet changes to the stored chunks, a batch of chunks per statement, locked in one order.
    private func writeFacets() async throws {
        for batch in facets.sorted.chunks(of: Self.batchSize) {
            let facetNames = batch.map(\.key.facet)
            let chunkNumbers = batch.map(\.key.chunk)
            var stored: [FacetDelta.Key: BitChunk] = [:]
            let rows = try await all(
                PostgresStatement(
                    """
                    SELECT b.facet, b.chunk, b.bits FROM task_bits b
                    JOIN unnest(\(bind: facetNames), \(bind: chunkNumbers)) AS u(facet, chunk) ON b.facet = u.facet AND b.chunk = u.chunk
                    WHERE b.tenant = \(bind: tenant) ORDER BY b.facet, b.chunk FOR UPDATE OF b
                    """
                )
            )
            for row in rows {
                let (facet, number, bits) = try row.decode((String, Int64, ByteBuffer).self)
                guard let chunk = bits.withUnsafeReadableBytes({ BitChunk(bytes: $0) }) else { throw StoreError.corrupt("facet bits of \(facet)") }
                stored[FacetDelta.Key(facet: facet, chunk: number)] = chunk
            }
            var kept: (facets: [String], chunks: [Int64], bits: [ByteBuffer]) = ([], [], [])
            var dropped: (facets: [String], chunks: [Int64]) = ([], [])
            for (key, changes) in batch {
                if let chunk = BitChunk.applying(changes, to: stored[key]) {
                    kept.facets.append(key.facet)
                    kept.chunks.append(key.chunk)
                    kept.bits.append(ByteBuffer(bytes: chunk.bytes))
                } else if stored[key] != nil {
                    dropped.facets.append(key.facet)
                    dropped.chunks.append(key.chunk)
                }
            }
            if !kept.facets.isEmpty {
                try await run(
                    PostgresStatement(
                        """
                        INSERT INTO task_bits (tenant, facet, chunk, version, bits)
                        SELECT \(bind: tenant), u.facet, u.chunk, (random() * 9.2e18)::bigint, u.bits
                        FROM unnest(\(bind: kept.facets), \(bind: kept.chunks), \(bind: kept.bits)) AS u(facet, chunk, bits)
                        ON CONFLICT (tenant, facet, chunk) DO UPDATE SET version = excluded.version, bits = excluded.bits
                        """
                    )
                )
            }
            if !dropped.facets.isEmpty {
                try await run(
                    PostgresStatement(
                        """
                        DELETE FROM task_bits b USING unnest(\(bind: dropped.facets), \(bind: dropped.chunks)) AS u(facet, chunk)
                        WHERE b.tenant = \(bind: tenant) AND b.facet = u.facet AND b.chunk = u.chunk
                        """
                    )
                )
            }
        }
        facets.reset()
    }

    /// Sets the facet bits of stored top-level tasks (rebuilding them after migration 5).
    func addFacets(ofKeys keys: [Int64]) async throws {
        let ordinals = try await ordinals(of: keys)
        for chunk in keys.chunks(of: Self.batchSize) {
            let statement = PostgresStatement("SELECT 0, \(raw: PostgresTaskColumns.list("t")) FROM tasks t WHERE t.pk = ANY(\(bind: Array(chunk)))")
            for task in try await stored(statement) {
                let lane = Lane.of(task.record.dbUseType, task.record.status)
                facets.record(Facets.of(task.record, lane: lane), ordinal: ordinals[task.key] ?? 0, set: true)
            }
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
