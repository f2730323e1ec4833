import DRSDomain
import DRSSQLite

/// The write path of the SQLite store: every change to a task goes through here, inside the caller's write
/// transaction, and keeps the count tables, the tag and instance lists and the name index in step.
final class SQLiteTaskWriter: TaskWriter, @unchecked Sendable {
    let db: SQLiteConnection
    let tenant: Int64
    private var counts = CountDelta()
    private var facets = FacetDelta()
    /// The chunks of ordinals (``NameChunk``) whose names or lanes this transaction changed: their versions are drawn
    /// again by ``finish()``.
    private var nameChunks: Set<Int64> = []
    /// The key counter (``TaskKey``): loaded on first use, stored back by ``finish()``.
    private var counter: Int64?
    /// The ordinal counter (``Facets``): loaded on first use, stored back by ``finish()``.
    private var ordinals: Int64?
    /// Name-index entries held back until ``finish()`` (see ``init(_:tenant:batchesNames:)``).
    private var pendingNames: [(key: Int64, text: String)]?
    /// Set by imports: every task written gets the first line of its transition log (cause `import`) at this time.
    var importTime: Int64?
    /// Imports: the facets of inserted tasks, worked out on another thread.
    private let facetBuilder: FacetBuilder?

    /// - Parameter batchesNames: hold name-index entries back and write them in key order at the end. FTS5 writes out
    ///   its in-memory index whenever an entry's rowid is smaller than the one before (and merges what it wrote), so an
    ///   import writing names in any other order paid for one such write per task. Imports also work out their new
    ///   tasks' facets on another thread (``FacetBuilder``).
    init(_ db: SQLiteConnection, tenant: Int64, batchesNames: Bool = false) {
        self.db = db
        self.tenant = tenant
        self.pendingNames = batchesNames ? [] : nil
        self.facetBuilder = batchesNames ? FacetBuilder() : nil
    }

    // MARK: Statements

    static let ownerOfID = SQL("SELECT tenant FROM task_ids WHERE id = ?1")
    static let dropChild = SQL("UPDATE tasks SET child_count = child_count - 1 WHERE pk = ?1")
    static let storeCounter = SQL("UPDATE counters SET value = ?1 WHERE name = 'task_key'")
    static let loadCounter = SQL("SELECT value FROM counters WHERE name = 'task_key'")
    static let storeOrdinals = SQL("UPDATE counters SET value = ?1 WHERE name = 'task_ord'")
    static let loadOrdinals = SQL("SELECT value FROM counters WHERE name = 'task_ord'")
    static let ordinalOfKey = SQL("SELECT ord FROM tasks WHERE pk = ?1")
    static let loadBits = SQL("SELECT bits FROM task_bits WHERE tenant = ?1 AND facet = ?2 AND chunk = ?3")
    static let storeBits = SQL(
        """
        INSERT INTO task_bits (tenant, facet, chunk, version, bits) VALUES (?1, ?2, ?3, ?5, ?4)
            ON CONFLICT (tenant, facet, chunk) DO UPDATE SET version = excluded.version, bits = excluded.bits
        """
    )
    static let dropBits = SQL("DELETE FROM task_bits WHERE tenant = ?1 AND facet = ?2 AND chunk = ?3")
    static let insertID = SQL("INSERT INTO task_ids (id, tenant, lane, pk) VALUES (?1, ?2, ?3, ?4)")
    static let insertName = SQL("INSERT INTO task_names (rowid, doc) VALUES (?1, ?2)")
    static let deleteName = SQL("DELETE FROM task_names WHERE rowid = ?1")
    static let childKeys = SQL("SELECT pk FROM tasks WHERE parent_pk = ?1")
    static let deleteID = SQL("DELETE FROM task_ids WHERE id = (SELECT id FROM tasks WHERE pk = ?1)")
    static let deleteTask = SQL("DELETE FROM tasks WHERE pk = ?1")
    static let deleteTags = SQL("DELETE FROM task_tags WHERE pk = ?1")
    static let moveLane = [
        SQL("UPDATE task_tags SET lane = ?2 WHERE pk = ?1"),
        SQL("UPDATE task_ids SET lane = ?2 WHERE id = (SELECT id FROM tasks WHERE pk = ?1)"),
    ]
    static let findByID = SQL("SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE pk = (SELECT pk FROM task_ids WHERE id = ?1 AND tenant = ?2)")
    static let updateTask = SQL(
        """
        UPDATE tasks SET lane = ?2, status = ?3, engine = ?4, net = ?5, eps = ?6, scenario = ?7, direction = ?8, task_type = ?9,
                charging = ?10, current_action = ?11, billing_tag = ?12, node_new_framework = ?13, name = ?14, description = ?15,
                error_msg = ?16, source_id = ?17, source_ip = ?18, target_id = ?19, target_ip = ?20
            WHERE pk = ?1
        """
    )
    static let insertTask = SQL(
        """
            INSERT INTO tasks (pk, tenant, lane, parent_pk, child_count, created_ms, id, status, engine, net, eps, scenario, direction,
                task_type, charging, current_action, billing_tag, node_new_framework, name, description, error_msg, source_id, source_ip,
                target_id, target_ip, ord)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,
                ?26)
        """
    )
    /// Per count table: add a change to a row (creating it), and remove the row when it reached zero.
    static let countStatements: [(upsert: SQL, prune: SQL)] = CountRollups.all.map { rollup in
        let key = rollup.keyColumns.joined(separator: ", ")
        let values = (1...(rollup.keyColumns.count + 1)).map { "?\($0)" }.joined(separator: ", ")
        let conditions = rollup.keyColumns.enumerated().map { "\($1) = ?\($0 + 1)" }.joined(separator: " AND ")
        return (
            SQL("INSERT INTO \(rollup.table) (\(key), n) VALUES (\(values)) ON CONFLICT (\(key)) DO UPDATE SET n = n + excluded.n"),
            SQL("DELETE FROM \(rollup.table) WHERE \(conditions) AND n = 0")
        )
    }

    // MARK: TaskWriter

    func find(id: String) async throws -> StoredTask? { try findTask(id: id) }
    func children(of task: StoredTask) async throws -> [StoredTask] { try childTasks(of: task.key) }
    func insert(_ record: JobRecord) async throws -> Int64 { try insertTask(record) }
    func update(_ task: StoredTask, to record: JobRecord) async throws { try updateTask(task, to: record) }
    func remove(_ task: StoredTask) async throws { try removeTask(task) }

    // MARK: Reading under the write lock

    func findTask(id: String) throws -> StoredTask? {
        try db.withStatement(Self.findByID) { statement in
            statement.bind(1, id)
            statement.bind(2, tenant)
            return try statement.step() ? try stored(statement) : nil
        }
    }

    /// The tenant that holds a task (or subtask) with this ID, or nil.
    func owner(ofID id: String) throws -> Int64? {
        try db.withStatement(Self.ownerOfID) { statement in
            statement.bind(1, id)
            return try statement.step() ? statement.int64(0) : nil
        }
    }

    /// Sets the facet bits of the stored top-level task with key `key` (rebuilding them after migration 5).
    func addFacets(ofKey key: Int64, ordinal: Int64) throws {
        let record = try db.withStatement(Self.findByKey) { statement in
            statement.bind(1, key)
            guard try statement.step() else { throw StoreError.corrupt("task \(key) vanished") }
            return try stored(statement).record
        }
        facets.record(Facets.of(record, lane: Lane.of(record.dbUseType, record.status)), ordinal: ordinal, set: true)
    }

    static let findByKey = SQL("SELECT \(SQLiteTaskColumns.list) FROM tasks WHERE pk = ?1")

    func findTask(key: Int64) throws -> StoredTask? {
        try db.withStatement(Self.findByKey) { statement in
            statement.bind(1, key)
            return try statement.step() ? try stored(statement) : nil
        }
    }

    func childTasks(of key: Int64) throws -> [StoredTask] {
        try db.withStatement(SQLiteRowCursor.children) { statement in
            statement.bind(1, key)
            var children: [StoredTask] = []
            while try statement.step() { children.append(try stored(statement)) }
            return children
        }
    }

    private func stored(_ statement: SQLiteStatement) throws -> StoredTask {
        var record = try StatementRow(statement).record()
        let key = statement.int64(SQLiteTaskColumns.key)
        try SQLiteStore.addDetails(to: &record, key: key, db)
        return StoredTask(key: key, parentKey: statement.optionalInt64(SQLiteTaskColumns.parentKey), record: record)
    }

    // MARK: Writing

    /// Stores a top-level task and its children; returns its key.
    func insertTask(_ record: JobRecord) throws -> Int64 {
        let lane = Lane.of(record.dbUseType, record.status)
        let ordinal = try nextOrdinal()
        let key = try insertRow(record, lane: lane, parentKey: nil, childCount: record.children.count, ordinal: ordinal)
        try insertDetails(record, key: key, lane: lane)
        try indexName(key: key, lane: lane, name: record.name, ordinal: ordinal)
        counts.add(CountKey(tenant: tenant, record: record), 1)
        if let facetBuilder {
            facetBuilder.add(record, lane: lane, ordinal: ordinal)
        } else {
            facets.record(Facets.of(record, lane: lane), ordinal: ordinal, set: true)
        }
        for child in record.children {
            let childKey = try insertRow(child, lane: nil, parentKey: key, childCount: 0, ordinal: nil)
            try insertDetails(child, key: childKey, lane: nil)
        }
        return key
    }

    func updateTask(_ task: StoredTask, to record: JobRecord) throws {
        let old = task.record
        let isTopLevel = task.parentKey == nil
        let oldLane = isTopLevel ? Lane.of(old.dbUseType, old.status) : nil
        let lane = isTopLevel ? Lane.of(record.dbUseType, record.status) : nil
        try db.withStatement(Self.updateTask) { statement in
            statement.bind(1, task.key)
            statement.bind(2, lane.map(Int64.init))
            bindFields(record, statement, from: 3)
            try statement.run()
        }
        if lane != oldLane {
            for sql in Self.moveLane {
                try db.withStatement(sql) {
                    $0.bind(1, task.key)
                    $0.bind(2, lane.map(Int64.init))
                    try $0.run()
                }
            }
        }
        if record.tags != old.tags {
            try removeDetails(key: task.key)
            try insertDetails(record, key: task.key, lane: lane)
        }
        if let lane, lane != oldLane || JobQuery.fold(record.name) != JobQuery.fold(old.name) {
            let ordinal = try ordinal(of: task.key)
            try unindexName(key: task.key, ordinal: ordinal)
            try indexName(key: task.key, lane: lane, name: record.name, ordinal: ordinal)
        }
        if let oldLane, let lane {
            counts.move(from: CountKey(tenant: tenant, record: old), to: CountKey(tenant: tenant, record: record))
            facets.move(ordinal: try ordinal(of: task.key), from: Facets.of(old, lane: oldLane), to: Facets.of(record, lane: lane))
        }
    }

    func removeTask(_ task: StoredTask) throws {
        if task.parentKey == nil {
            for child in try childKeys(of: task.key) { try removeRow(child) }
            let ordinal = try ordinal(of: task.key)
            try unindexName(key: task.key, ordinal: ordinal)
            counts.add(CountKey(tenant: tenant, record: task.record), -1)
            let lane = Lane.of(task.record.dbUseType, task.record.status)
            facets.record(Facets.of(task.record, lane: lane), ordinal: ordinal, set: false)
        } else if let parent = task.parentKey {
            try db.withStatement(Self.dropChild) {
                $0.bind(1, parent)
                try $0.run()
            }
        }
        try removeRow(task.key)
    }

    /// Writes the held-back name entries, the count changes and the key counter; call once, before COMMIT.
    func finish() throws {
        if let names = pendingNames {
            pendingNames = nil
            for (key, text) in names.sorted(by: { $0.key < $1.key }) { try insertName(key: key, text: text) }
            pendingNames = []
        }
        for (rollup, sql) in zip(CountRollups.all, Self.countStatements) {
            for row in counts.rows(of: rollup) {
                for statement in row.n < 0 ? [sql.upsert, sql.prune] : [sql.upsert] {
                    try db.withStatement(statement) { statement in
                        statement.bind(1, row.tenant)
                        statement.bind(2, row.lane)
                        for (index, value) in row.values.enumerated() { SQLiteQueryPlan.bind(statement, Int32(index + 3), value) }
                        if statement.parameterCount > row.values.count + 2 { statement.bind(Int32(row.values.count + 3), row.n) }
                        try statement.run()
                    }
                }
            }
        }
        counts.reset()
        if let facetBuilder { facets = facetBuilder.finish(then: facets) }
        try writeFacets()
        for chunk in nameChunks.sorted() {
            try db.withStatement(Self.storeNameVersion) {
                $0.bind(1, tenant)
                $0.bind(2, chunk)
                $0.bind(3, Int64.random(in: .min ... .max))
                try $0.run()
            }
        }
        nameChunks = []
        for (value, sql) in [(counter, Self.storeCounter), (ordinals, Self.storeOrdinals)] {
            guard let value else { continue }
            try db.withStatement(sql) {
                $0.bind(1, value)
                try $0.run()
            }
        }
    }

    /// Applies the facet changes to the stored chunks. Chunks the tenant does not have yet are written without being
    /// looked for (an import into a new project creates nearly all of its chunks).
    private func writeFacets() throws {
        guard !facets.isEmpty else { return }
        let changed = facets.sorted
        // A large write (an import) first learns which chunks exist, in one pass, so that it looks up only those; a
        // small one (a lifecycle operation) looks its few chunks up directly.
        let existing: Set<FacetDelta.Key>? =
            changed.count < Self.chunkListThreshold
            ? nil
            : try db.withStatement(Self.facetChunks) { statement in
                statement.bind(1, tenant)
                var keys = Set<FacetDelta.Key>()
                while try statement.step() { keys.insert(FacetDelta.Key(facet: statement.text(0) ?? "", chunk: statement.int64(1))) }
                return keys
            }
        for (key, changes) in changed {
            let stored =
                existing?.contains(key) ?? true
                ? try db.withStatement(Self.loadBits) { statement in
                    statement.bind(1, tenant)
                    statement.bind(2, key.facet)
                    statement.bind(3, key.chunk)
                    return try statement.step() ? BitChunk(bytes: statement.blob(0)) : nil
                } : nil
            let chunk = BitChunk.applying(changes, to: stored)
            if chunk == nil && stored == nil { continue }
            try db.withStatement(chunk == nil ? Self.dropBits : Self.storeBits) { statement in
                statement.bind(1, tenant)
                statement.bind(2, key.facet)
                statement.bind(3, key.chunk)
                if let chunk {
                    statement.bind(4, blob: chunk.bytes)
                    statement.bind(5, Int64.random(in: .min ... .max))
                }
                try statement.run()
            }
        }
        facets.reset()
    }

    static let storeNameVersion = SQL(
        """
        INSERT INTO task_name_versions (tenant, chunk, version) VALUES (?1, ?2, ?3)
            ON CONFLICT (tenant, chunk) DO UPDATE SET version = excluded.version
        """
    )
    static let facetChunks = SQL("SELECT facet, chunk FROM task_bits WHERE tenant = ?1")
    /// Changed chunks from which a write lists the tenant's chunks first.
    static let chunkListThreshold = 256

    // MARK: Rows

    private func nextOrdinal() throws -> Int64 {
        let value = try ordinals ?? db.withStatement(Self.loadOrdinals) { try $0.step() ? $0.int64(0) : 0 }
        ordinals = value + 1
        return value + 1
    }

    /// The ordinal of a top-level task.
    private func ordinal(of key: Int64) throws -> Int64 {
        try db.withStatement(Self.ordinalOfKey) { statement in
            statement.bind(1, key)
            guard try statement.step(), !statement.isNull(0) else { throw StoreError.corrupt("task \(key) has no ordinal") }
            return statement.int64(0)
        }
    }

    private func nextSequence() throws -> Int64 {
        let value = try counter ?? db.withStatement(Self.loadCounter) { try $0.step() ? $0.int64(0) : 0 }
        counter = value + 1
        return value + 1
    }

    /// Inserts one row under a new key: create time and counter, the next counter value when that key is taken.
    private func insertRow(_ record: JobRecord, lane: Int?, parentKey: Int64?, childCount: Int, ordinal: Int64?) throws -> Int64 {
        guard TaskKey.createTimeRange.contains(record.createTime) else {
            throw StoreError.unsupported("create_time of task \(record.id) is outside the years drs can store")
        }
        return try db.withStatement(Self.insertTask) { statement in
            statement.bind(2, tenant)
            statement.bind(3, lane.map(Int64.init))
            statement.bind(4, parentKey)
            statement.bind(5, childCount)
            statement.bind(6, record.createTime)
            statement.bind(7, record.id)
            bindFields(record, statement, from: 8)
            statement.bind(26, ordinal)
            for _ in 0...TaskKey.sequenceMask {
                let key = TaskKey.make(createTime: record.createTime, sequence: try nextSequence())
                statement.bind(1, key)
                do {
                    try statement.run()
                    try registerID(record.id, key: key, lane: lane)
                    if let importTime { try logImport(record, key: key, at: importTime) }
                    if let kept = record.kept { try storeLifeRow(StoredLife(state: kept.state(of: record), config: kept.config.text), key: key) }
                    return key
                } catch let error as SQLiteError where error.isPrimaryKeyViolation {
                    statement.reset()  // that key is taken: try the next counter value
                }
            }
            throw StoreError.unsupported("too many tasks created in the same millisecond as task \(record.id)")
        }
    }

    /// Enters a task's ID in `task_ids`, whose primary key keeps IDs unique across all tenants.
    private func registerID(_ id: String, key: Int64, lane: Int?) throws {
        try db.withStatement(Self.insertID) {
            $0.bind(1, id)
            $0.bind(2, tenant)
            $0.bind(3, lane.map(Int64.init))
            $0.bind(4, key)
            do {
                try $0.run()
            } catch let error as SQLiteError where error.isUniqueViolation {
                throw StoreError.unsupported("task ID \(id) exists")
            }
        }
    }

    /// Binds status … target_ip (18 values) from parameter `first` on, in the order of the INSERT and UPDATE above.
    private func bindFields(_ record: JobRecord, _ statement: SQLiteStatement, from first: Int32) {
        statement.bind(first, record.status.code)
        statement.bind(first + 1, record.engineType.code)
        statement.bind(first + 2, record.netType.code)
        statement.bind(first + 3, record.enterpriseProjectID)
        statement.bind(first + 4, record.dbUseType.code)
        statement.bind(first + 5, record.jobDirection.code)
        statement.bind(first + 6, record.taskType.code)
        statement.bind(first + 7, record.chargingMode.code)
        statement.bind(first + 8, record.currentAction.map { Int64($0.code) })
        statement.bind(first + 9, record.billingTag ? 1 : 0)
        statement.bind(first + 10, record.nodeNewFramework ? 1 : 0)
        statement.bind(first + 11, record.name)
        statement.bind(first + 12, record.description)
        statement.bind(first + 13, record.errorMessage)
        statement.bind(first + 14, record.sourceInstance?.id)
        statement.bind(first + 15, record.sourceInstance?.ip)
        statement.bind(first + 16, record.targetInstance?.id)
        statement.bind(first + 17, record.targetInstance?.ip)
    }

    static let insertTag = SQL("INSERT INTO task_tags (pk, key, value, position, tenant, lane) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")

    /// A task's tags: one single-row INSERT per tag. (A multi-row INSERT made SQLite keep a statement journal, a copy of
    /// every page it touched, in case a later row failed.)
    private func insertDetails(_ record: JobRecord, key: Int64, lane: Int?) throws {
        guard !record.tags.isEmpty else { return }
        let lane = lane.map(Int64.init)
        try db.withStatement(Self.insertTag) { statement in
            statement.bind(1, key)
            statement.bind(5, tenant)
            statement.bind(6, lane)
            for (position, tag) in record.tags.enumerated() {
                if position > 0 { statement.reset() }
                statement.bind(2, tag.key)
                statement.bind(3, tag.value)
                statement.bind(4, position)
                try statement.run()
            }
        }
    }

    private func removeDetails(key: Int64) throws {
        for sql in [Self.deleteTags] {
            try db.withStatement(sql) {
                $0.bind(1, key)
                try $0.run()
            }
        }
    }

    private func indexName(key: Int64, lane: Int, name: String, ordinal: Int64) throws {
        nameChunks.insert(ordinal >> NameChunk.shift)
        let text = TrigramTokenizer.text(scope: Lane.nameScope(tenant: tenant, lane: lane), folded: JobQuery.fold(name))
        if pendingNames != nil {
            pendingNames!.append((key, text))
        } else {
            try insertName(key: key, text: text)
        }
    }

    private func insertName(key: Int64, text: String) throws {
        try db.withStatement(Self.insertName) {
            $0.bind(1, key)
            $0.bind(2, text)
            try $0.run()
        }
    }

    private func unindexName(key: Int64, ordinal: Int64) throws {
        nameChunks.insert(ordinal >> NameChunk.shift)
        pendingNames?.removeAll { $0.key == key }
        try db.withStatement(Self.deleteName) {
            $0.bind(1, key)
            try $0.run()
        }
    }

    private func childKeys(of key: Int64) throws -> [Int64] {
        try db.withStatement(Self.childKeys) { statement in
            statement.bind(1, key)
            var keys: [Int64] = []
            while try statement.step() { keys.append(statement.int64(0)) }
            return keys
        }
    }

    private func removeRow(_ key: Int64) throws {
        try removeDetails(key: key)
        try removeLife(key: key)
        try db.withStatement(Self.deleteID) {
            $0.bind(1, key)
            try $0.run()
        }
        try db.withStatement(Self.deleteTask) {
            $0.bind(1, key)
            try $0.run()
        }
    }
}

/// A statement's current row seen as a task row.
final class StatementRow: SQLiteTaskRow {
    let row: SQLiteStatement

    init(_ statement: SQLiteStatement) {
        self.row = statement
    }
}
