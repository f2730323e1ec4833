import DRSDomain

/// Exact totals of membership filters (tags, instance IDs, instance IP), alone or with the counted dimensions, that
/// cost a few bitmap operations however many tasks match.
///
/// Every top-level task has an ordinal (`tasks.ord`, never reused). A facet is one filterable value in one lane
/// ("lane 2, tag env=prod"); table `task_bits` holds, per tenant, facet and chunk of 65,536 ordinals, the ordinals of
/// the tasks with that facet (``BitChunk``). A query's total is then the size of the intersection of its parts' facets
/// (each part the union of its facets: an instance ID matches either side), chunk by chunk. The write path keeps the
/// bits in step (``FacetDelta``), like the count tables.
enum Facets {
    /// The facets of a top-level task in `lane`, without repeats.
    static func of(_ record: JobRecord, lane: Int) -> [String] {
        let prefix = lanePrefixes[lane] ?? "\(lane)/"
        var facets: [String] = []
        facets.reserveCapacity(4 + 2 * record.tags.count + 4)
        facets.append(prefix + "s" + codeTexts[record.status.code])
        facets.append(prefix + "e" + codeTexts[record.engineType.code])
        facets.append(prefix + "n" + codeTexts[record.netType.code])
        facets.append(prefix + "p" + record.enterpriseProjectID)
        // Tag keys are unique within a task.
        for tag in record.tags {
            facets.append(tagValue(lane, tag.key, tag.value))
            facets.append(tagKey(lane, tag.key))
        }
        let source = record.sourceInstance
        let target = record.targetInstance
        if let id = source?.id { facets.append(prefix + "i" + id) }
        if let id = target?.id, id != source?.id { facets.append(prefix + "i" + id) }
        if let ip = source?.ip { facets.append(prefix + "a" + ip) }
        if let ip = target?.ip, ip != source?.ip { facets.append(prefix + "a" + ip) }
        return facets
    }

    /// "0/" … for the lanes there are, and the decimal texts of catalogue codes: made once.
    private static let lanePrefixes: [Int: String] = Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, "\($0)/") })
    private static let codeTexts: [String] = (0..<256).map { String($0) }

    private static func tagValue(_ lane: Int, _ key: String, _ value: String) -> String {
        // The key's length keeps "a" + "bc" apart from "ab" + "c".
        (lanePrefixes[lane] ?? "\(lane)/") + "t" + String(key.utf8.count) + ":" + key + value
    }

    private static func tagKey(_ lane: Int, _ key: String) -> String {
        "\(lane)/k\(key)"
    }

    /// The parts of a query whose total the facets give: each part a union of facets, the total the size of their
    /// intersection. Nil when the query filters names (counted by walking the matches) or only counted dimensions
    /// (counted by the count tables).
    /// With `besidesName`, the parts of every filter but a name search's (none, when only the lane is filtered).
    static func parts(of query: JobQuery, besidesName: Bool = false) -> [[String]]? {
        let hasMembership = !query.tags.isEmpty || !query.instanceIDs.isEmpty || query.instanceIP != nil
        guard besidesName || (query.name == nil && hasMembership) else { return nil }
        let lane = Lane.of(query)
        var parts: [[String]] = CountRollups.filtered(query).sorted { $0.key.rawValue < $1.key.rawValue }.map { dimension, value in
            switch (dimension, value) {
            case (.status, .integer(let code)): return ["\(lane)/s\(code)"]
            case (.engine, .integer(let code)): return ["\(lane)/e\(code)"]
            case (.net, .integer(let code)): return ["\(lane)/n\(code)"]
            case (.eps, .text(let eps)): return ["\(lane)/p\(eps)"]
            default: preconditionFailure("dimension \(dimension) with value \(value)")
            }
        }
        for tag in query.tags { parts.append([tag.value.map { tagValue(lane, tag.key, $0) } ?? tagKey(lane, tag.key)]) }
        if !query.instanceIDs.isEmpty { parts.append(Set(query.instanceIDs).sorted().map { "\(lane)/i\($0)" }) }
        if let ip = query.instanceIP { parts.append(["\(lane)/a\(ip)"]) }
        return parts
    }

    /// The total of `parts`, given the stored chunks of each facet (chunk number → chunk).
    static func count(_ parts: [[String]], chunks: [String: [Int64: BitChunk]]) -> Int {
        // Each part as one union per chunk, then the chunks every part has, intersected.
        let unions: [[Int64: BitChunk]] = parts.map { facets in
            var union: [Int64: BitChunk] = [:]
            for facet in facets {
                for (number, chunk) in chunks[facet] ?? [:] { union[number] = union[number].map { BitChunk.union($0, chunk) } ?? chunk }
            }
            return union
        }
        guard let smallest = unions.min(by: { $0.count < $1.count }) else { return 0 }
        var total = 0
        for number in smallest.keys {
            let row = unions.compactMap { $0[number] }
            if row.count == unions.count { total += BitChunk.intersectionCount(row) }
        }
        return total
    }
}

/// Changes to the facet bits gathered during one write transaction and written at its end (like ``CountDelta``), in
/// the order they happened.
struct FacetDelta: Sendable {
    struct Key: Hashable, Sendable, Comparable {
        var facet: String
        var chunk: Int64

        static func < (a: Key, b: Key) -> Bool { (a.facet, a.chunk) < (b.facet, b.chunk) }
    }

    private(set) var changes: [Key: [FacetChange]] = [:]

    var isEmpty: Bool { changes.isEmpty }

    /// A top-level task with ordinal `ordinal` gains (`set`) or loses these facets.
    mutating func record(_ facets: [String], ordinal: Int64, set: Bool) {
        let (chunk, low) = BitChunk.split(ordinal)
        for facet in facets { changes[Key(facet: facet, chunk: chunk), default: []].append(FacetChange(low: low, set: set)) }
    }

    /// A task's facets change from `old` to `new` (either empty: inserted or removed); only the difference is written.
    mutating func move(ordinal: Int64, from old: [String], to new: [String]) {
        let (before, after) = (Set(old), Set(new))
        record(old.filter { !after.contains($0) }, ordinal: ordinal, set: false)
        record(new.filter { !before.contains($0) }, ordinal: ordinal, set: true)
    }

    /// The changed chunks in one order (facet, then chunk), so that concurrent writers lock them in the same order.
    var sorted: [(key: Key, changes: [FacetChange])] {
        changes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Adds `later`'s changes after this delta's own (a chunk's changes apply in order).
    mutating func append(_ later: FacetDelta) {
        for (key, changes) in later.changes { self.changes[key, default: []].append(contentsOf: changes) }
    }

    mutating func reset() {
        changes = [:]
    }
}
