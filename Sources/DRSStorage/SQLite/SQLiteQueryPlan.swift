import DRSDomain
import DRSSQLite
import Foundation

/// How the SQLite store finds the matches of a query: every filter is a list of keys in one tenant's lane, walked newest
/// first; several filters are intersected (``IntersectionKeySource``). So the work follows the tenant's own matches,
/// never other tenants' tasks or the database's size.
struct SQLiteQueryPlan {
    let tenant: Int64
    let lane: Int
    let query: JobQuery

    init(_ query: JobQuery, tenant: Int64) {
        self.tenant = tenant
        self.lane = Lane.of(query)
        self.query = query
    }

    /// Whether only the dimensions the count tables keep are filtered: then the total is a sum of count rows.
    var isCountedByRollups: Bool {
        query.name == nil && query.tags.isEmpty && query.instanceIDs.isEmpty && query.instanceIP == nil
    }

    /// A filtered dimension and its value.
    struct Filter {
        var dimension: CountDimension
        var value: CountValue
    }

    /// The filtered dimensions, in the order their conditions are written (``CountDimension`` order).
    private var dimensions: [Filter] {
        let filtered = CountRollups.filtered(query)
        return CountDimension.allCases.compactMap { dimension in filtered[dimension].map { Filter(dimension: dimension, value: $0) } }
    }

    /// Which dimensions are filtered, one bit each in ``CountDimension`` order: the key of the statements below.
    private static func mask(_ dimensions: [Filter]) -> Int {
        dimensions.reduce(0) { $0 | 1 << CountDimension.allCases.firstIndex(of: $1.dimension)! }
    }

    /// The conditions on the filtered dimensions, parameters from ?3 on.
    private static func conditions(_ mask: Int) -> String {
        CountDimension.allCases.enumerated().filter { mask & 1 << $0.offset != 0 }.enumerated()
            .map { " AND \($1.element.rawValue) = ?\($0 + 3)" }.joined()
    }

    /// Per mask: the sum over the count table that needs the fewest rows.
    private static let countSQL: [SQL] = (0..<(1 << CountDimension.allCases.count)).map { mask in
        let filtered = Set(CountDimension.allCases.enumerated().filter { mask & 1 << $0.offset != 0 }.map(\.element))
        return SQL("SELECT coalesce(sum(n), 0) FROM \(CountRollups.best(for: filtered).table) WHERE tenant = ?1 AND lane = ?2" + conditions(mask))
    }

    /// Per mask: the lane's keys with the filtered dimensions, newest first, from a bound (the last parameter) on.
    private static let dimensionSQL: [SQL] = (0..<(1 << CountDimension.allCases.count)).map { mask in
        SQL("SELECT pk FROM tasks WHERE tenant = ?1 AND lane = ?2" + conditions(mask) + " AND pk >= ?\(mask.nonzeroBitCount + 3) ORDER BY pk")
    }

    /// The exact number of matches when the count tables or the facet bits give it; nil when only walking the matches
    /// does (a name filter).
    func cheapCount(_ db: SQLiteConnection, cache: FacetChunkCache) throws -> Int? {
        if isCountedByRollups { return try countFromRollups(db) }
        guard let parts = Facets.parts(of: query) else { return nil }
        return Facets.count(parts, chunks: try facetChunks(Set(parts.joined()), db, cache: cache))
    }

    /// A name search's matches from the names held in memory (``NameIndex``); nil when there is no name text, when
    /// it has fewer than three characters or a NUL, or when the names are not all held yet (then FTS5 serves it).
    func nameMatches(_ db: SQLiteConnection, names: NameIndex, pool: SQLitePool) async throws -> NameMatches? {
        guard case .text(let text) = query.name else { return nil }
        let folded = JobQuery.fold(text)
        guard folded.unicodeScalars.count >= 3, !folded.utf8.contains(0),
            var matches = try await names.matches(of: folded, tenant: tenant, lane: lane, db, pool: pool)
        else { return nil }
        matches.idKey = try keys(ofIDs: [text], db).first
        return matches
    }

    /// The exact number of matches when something cheaper than walking them gives it: the count tables, the facet
    /// bits, or for a name search its matches among the names in memory (``nameMatches(_:names:pool:)``); nil when
    /// only the walk does.
    func count(_ db: SQLiteConnection, cache: FacetChunkCache, names: NameMatches?) throws -> Int? {
        if let names { return try nameCount(names, db, cache: cache) }
        return try cheapCount(db, cache: cache)
    }

    /// A name search's total from its matches among the names in memory, with the other filters from the facet bits.
    private func nameCount(_ names: NameMatches, _ db: SQLiteConnection, cache: FacetChunkCache) throws -> Int {
        var matches = names.ordinals
        // The task whose ID is the text matches too.
        if let key = names.idKey {
            let ordinal = try db.withStatement(SQLiteTaskWriter.ordinalOfKey) { statement in
                statement.bind(1, key)
                return try statement.step() ? statement.int64(0) : nil
            }
            if let ordinal {
                var (index, high) = (0, matches.count)
                while index < high {
                    let middle = (index + high) / 2
                    if matches[middle] < ordinal { index = middle + 1 } else { high = middle }
                }
                if index == matches.count || matches[index] != ordinal { matches.insert(ordinal, at: index) }
            }
        }
        let parts = Facets.parts(of: query, besidesName: true) ?? []
        guard !parts.isEmpty else { return matches.count }
        var chunks = try facetChunks(Set(parts.joined()), db, cache: cache)
        chunks[Self.nameFacet] = BitChunk.chunks(ofSorted: matches)
        return Facets.count(parts + [[Self.nameFacet]], chunks: chunks)
    }

    /// The name search's matches among the facets of ``Facets/count(_:chunks:)`` (no facet starts with a NUL).
    private static let nameFacet = "\u{0}name"

    /// The stored chunks of each of `facets`, from the connection's own, the shared cache, or the database.
    private func facetChunks(_ facets: Set<String>, _ db: SQLiteConnection, cache: FacetChunkCache) throws -> [String: [Int64: BitChunk]] {
        var chunks: [String: [Int64: BitChunk]] = [:]
        let known = ConnectionFacets.of(db)
        try known.validate(db)
        for facet in facets {
            let knownKey = ConnectionFacets.Key(tenant: tenant, facet: facet)
            if let found = known.chunks(knownKey) {
                chunks[facet] = found
                continue
            }
            // The versions first (no overflow pages); the bits only of chunks not decoded before.
            var versions: [(chunk: Int64, version: Int64)] = []
            let statement = try db.lend(Self.facetVersions)
            statement.bind(1, tenant)
            statement.bind(2, facet)
            while try statement.step() { versions.append((statement.int64(0), statement.int64(1))) }
            db.giveBack(statement)
            var found: [Int64: BitChunk] = [:]
            for (number, version) in versions {
                let key = FacetChunkCache.Key(tenant: tenant, facet: facet, chunk: number, version: version)
                if let chunk = cache.chunk(key) {
                    found[number] = chunk
                    continue
                }
                let chunk = try db.withStatement(Self.facetBits) { statement in
                    statement.bind(1, tenant)
                    statement.bind(2, facet)
                    statement.bind(3, number)
                    guard try statement.step(), let chunk = BitChunk(bytes: statement.blob(0)) else {
                        throw StoreError.corrupt("facet bits of \(facet)")
                    }
                    return chunk
                }
                cache.add(chunk, for: key)
                found[number] = chunk
            }
            chunks[facet] = found
            known.keep(found, for: knownKey)
        }
        return chunks
    }

    private static let facetVersions = SQL("SELECT chunk, version FROM task_bits WHERE tenant = ?1 AND facet = ?2")
    private static let facetBits = SQL("SELECT bits FROM task_bits WHERE tenant = ?1 AND facet = ?2 AND chunk = ?3")

    /// The exact number of matches, from the count table that needs the fewest rows.
    func countFromRollups(_ db: SQLiteConnection) throws -> Int {
        let dimensions = self.dimensions
        let statement = try db.lend(Self.countSQL[Self.mask(dimensions)])
        defer { db.giveBack(statement) }
        statement.bind(1, tenant)
        statement.bind(2, lane)
        for (index, filter) in dimensions.enumerated() { Self.bind(statement, Int32(index + 3), filter.value) }
        return try statement.step() ? statement.int(0) : 0
    }

    static func bind(_ statement: SQLiteStatement, _ index: Int32, _ value: CountValue) {
        switch value {
        case .integer(let integer): statement.bind(index, integer)
        case .text(let text): statement.bind(index, text)
        }
    }

    /// The keys of the matches, newest first. A name search walks its `names` (``nameMatches(_:names:pool:)``) when
    /// it has them, and FTS5 otherwise; when they are the only list, only what a page ending at position `window`
    /// needs of them (``NameMatches/sortedKeys(window:)``).
    func keys(_ db: SQLiteConnection, names: NameMatches?, window: Int?) throws -> any KeySource {
        var sources: [any KeySource] = []
        let dimensions = self.dimensions
        if isCountedByRollups || !dimensions.isEmpty { sources.append(try dimensionKeys(db, dimensions)) }
        // A task matches an instance ID or IP on either side: the union of the source's and the target's lists.
        if !query.instanceIDs.isEmpty {
            let lists = try Set(query.instanceIDs).sorted().flatMap { id in
                [try membershipKeys(db, Self.bySourceID, [id]), try membershipKeys(db, Self.byTargetID, [id])]
            }
            sources.append(UnionKeySource(lists))
        }
        if let ip = query.instanceIP {
            sources.append(UnionKeySource([try membershipKeys(db, Self.bySourceIP, [ip]), try membershipKeys(db, Self.byTargetIP, [ip])]))
        }
        for tag in query.tags {
            if let value = tag.value {
                sources.append(try membershipKeys(db, Self.byTagValue, [tag.key, value]))
            } else {
                sources.append(try membershipKeys(db, Self.byTagKey, [tag.key]))
            }
        }
        switch query.name {
        case .ids(let ids): sources.append(ArrayKeySource(try keys(ofIDs: ids, db)))
        case .text(let text):
            if let names {
                let byName = ArrayKeySource(sorted: names.sortedKeys(window: sources.isEmpty ? window : nil))
                sources.append(UnionKeySource([byName, ArrayKeySource(names.idKey.map { [$0] } ?? [])]))
            } else {
                sources.append(UnionKeySource([try nameKeys(text, db, dimensions: dimensions), ArrayKeySource(try keys(ofIDs: [text], db))]))
            }
        case nil: break
        }
        return sources.count == 1 ? sources[0] : IntersectionKeySource(sources)
    }

    /// The lane's tasks with the filtered dimensions (an index of `tasks` that starts with tenant and lane).
    private func dimensionKeys(_ db: SQLiteConnection, _ dimensions: [Filter]) throws -> any KeySource {
        try StatementKeySource(db, Self.dimensionSQL[Self.mask(dimensions)]) { statement in
            statement.bind(1, tenant)
            statement.bind(2, lane)
            for (index, filter) in dimensions.enumerated() { Self.bind(statement, Int32(index + 3), filter.value) }
        }
    }

    /// The lane's tasks with an instance ID, an instance IP, a tag with a value, a tag with any value.
    private static func membership(_ table: String, _ condition: String, values: Int) -> SQL {
        SQL("SELECT pk FROM \(table) WHERE tenant = ?1 AND lane = ?2 AND \(condition) AND pk >= ?\(values + 3) ORDER BY pk")
    }
    private static let bySourceID = membership("tasks INDEXED BY tasks_source_id", "source_id = ?3", values: 1)
    private static let byTargetID = membership("tasks INDEXED BY tasks_target_id", "target_id = ?3", values: 1)
    private static let bySourceIP = membership("tasks INDEXED BY tasks_source_ip", "source_ip = ?3", values: 1)
    private static let byTargetIP = membership("tasks INDEXED BY tasks_target_ip", "target_ip = ?3", values: 1)
    private static let byTagValue = membership("task_tags INDEXED BY task_tags_value", "key = ?3 AND value = ?4", values: 2)
    private static let byTagKey = membership("task_tags INDEXED BY task_tags_key", "key = ?3", values: 1)
    private static let byName = SQL("SELECT rowid FROM task_names WHERE task_names MATCH ?1 AND rowid >= ?2 ORDER BY rowid")

    /// The lane's tasks with a tag or an instance.
    private func membershipKeys(_ db: SQLiteConnection, _ sql: SQL, _ values: [String]) throws -> any KeySource {
        try StatementKeySource(db, sql) { statement in
            statement.bind(1, tenant)
            statement.bind(2, lane)
            for (index, value) in values.enumerated() { statement.bind(Int32(index + 3), value) }
        }
    }

    /// The keys of the lane's top-level tasks with these IDs: one statement per batch of IDs (its SQL, one per batch
    /// size, is cached like any other).
    private func keys(ofIDs ids: [String], _ db: SQLiteConnection) throws -> [Int64] {
        var keys: [Int64] = []
        var start = 0
        while start < ids.count {
            let batch = ids[start..<min(start + Self.idBatch, ids.count)]
            start += batch.count
            let statement = try db.lend(Self.idSQL[batch.count])
            defer { db.giveBack(statement) }
            statement.bind(1, tenant)
            statement.bind(2, lane)
            for (index, id) in batch.enumerated() { statement.bind(Int32(index + 3), id) }
            while try statement.step() { keys.append(statement.int64(0)) }
        }
        return keys
    }

    /// IDs per lookup statement: the most a `name` filter holds.
    static let idBatch = 100

    /// Per number of IDs: the lane's tasks with those IDs (index-only: `task_ids` holds tenant, lane and key).
    private static let idSQL: [SQL] = (0...idBatch).map { count in
        SQL("SELECT pk FROM task_ids WHERE tenant = ?1 AND lane = ?2 AND id IN (\((3..<(3 + count)).map { "?\($0)" }.joined(separator: ", ")))")
    }
    private static let name = SQL("SELECT name FROM tasks WHERE pk = ?1")

    /// Tasks whose name contains `text` (case-insensitively), from the FTS5 index.
    private func nameKeys(_ text: String, _ db: SQLiteConnection, dimensions: [Filter]) throws -> any KeySource {
        let folded = JobQuery.fold(text)
        guard !folded.utf8.contains(0) else {
            // FTS5 reads a query up to a NUL: compare the names of the lane's tasks one by one instead.
            return FilteredKeySource(try dimensionKeys(db, dimensions)) { key in
                try db.withStatement(Self.name) { statement in
                    statement.bind(1, key)
                    return try statement.step() && JobQuery.fold(statement.text(0) ?? "").contains(folded)
                }
            }
        }
        let match = Self.nameMatch(scope: Lane.nameScope(tenant: tenant, lane: lane), folded: folded)
        return try StatementKeySource(db, Self.byName) { $0.bind(1, match) }
    }

    /// The FTS5 query for names of the scope containing `folded` (no NUL): three characters or more, consecutive
    /// trigrams (an exact substring match); fewer, a token prefix.
    static func nameMatch(scope: String, folded: String) -> String {
        let phrase = "\"" + TrigramTokenizer.text(scope: scope, folded: folded).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return folded.unicodeScalars.count >= 3 ? phrase : phrase + " *"
    }
}
