import DRSDomain
import DRSSQLite
import DRSTestSupport
import Foundation
import Testing

@testable import DRSStorage

/// The names held in memory for a name search's total on SQLite (``NameChunk``, ``NameIndex``): exact matches, and
/// never stale, whoever wrote.
@Suite struct NameIndexTests {
    /// Whether `haystack` holds `needle` as consecutive bytes: the definition, written plainly.
    static func holds(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.indices.contains { haystack[$0...].starts(with: needle) }
    }

    /// Tasks in three chunks of ordinals (one far from the others), every lane, names of few letters: most
    /// fragments' trigrams are in many names (bitmaps) or in a few (lists), in other orders.
    @Test func chunksFindExactlyTheNamesOfTheLaneHoldingTheFragment() {
        var random = ModelContractTests.Random(state: 7)
        let letters = ["a", "b", "A", "-", "ü", "Ü", "日", "本", "ß", "İ"]
        func text(_ length: Int) -> String { (0..<length).map { _ in letters.randomElement(using: &random)! }.joined() }
        let lanes = DBUseType.ordered.count * 2
        let ordinals =
            (0..<3000).map { Int64(3 * NameChunk.size + 2 * $0) } + (0..<700).map { Int64(4 * NameChunk.size + 11 * $0) }
            + (0..<40).map { Int64(9 * NameChunk.size + $0) }
        let tasks = ordinals.enumerated().map { index, ordinal in
            (
                ordinal: ordinal, key: Int64(1_000_000 - 5 * index), lane: Int.random(in: 0..<lanes, using: &random),
                name: text(Int.random(in: 1...14, using: &random))
            )
        }
        let chunks = Dictionary(grouping: tasks) { $0.ordinal >> NameChunk.shift }.sorted { $0.key < $1.key }.map { NameChunk($0.value) }
        #expect(chunks.count == 3)
        var fragments = (0..<150).map { _ in text(Int.random(in: 3...6, using: &random)) }
        for task in tasks.prefix(100) + tasks.suffix(60) {
            let scalars = Array(JobQuery.fold(task.name).unicodeScalars)
            guard scalars.count >= 3 else { continue }
            let start = Int.random(in: 0...(scalars.count - 3), using: &random)
            let end = Int.random(in: (start + 3)...scalars.count, using: &random)
            fragments.append(String(String.UnicodeScalarView(scalars[start..<end])))
        }
        var found = 0
        for fragment in fragments {
            let needle = Array(JobQuery.fold(fragment).utf8)
            for lane in 0..<lanes {
                let matches = withExtendedLifetime(chunks) { NameSearch.matches(of: needle, lane: lane, in: chunks.map(\.view)) }
                let expected = tasks.filter { $0.lane == lane && Self.holds(Array(JobQuery.fold($0.name).utf8), needle) }
                #expect(matches.ordinals == expected.map(\.ordinal), "\(fragment) in lane \(lane)")
                #expect(matches.keys == expected.map(\.key), "\(fragment) in lane \(lane)")
                found += expected.count
            }
        }
        #expect(found > 1000)
    }

    /// A list entry carries the lane above the member number, so that a lane's part of a list is one run.
    @Test func listEntriesSortByLaneThenMember() {
        #expect(DBUseType.ordered.count * 2 <= NameChunk.laneCapacity)
        let entries = [(5, 3), (8191, 0), (0, 5), (17, 3), (0, 0)].map { NameChunk.entry(member: $0.0, lane: $0.1) }.sorted()
        #expect(entries.map { Int($0) & (NameChunk.size - 1) } == [0, 8191, 5, 17, 0])
        #expect(entries.map { Int($0) >> NameChunk.shift } == [0, 0, 3, 3, 5])
    }

    /// A name search's matches join the facet count as chunks of 65,536 ordinals: an array up to 4,095 members, a
    /// bitmap beyond.
    @Test func matchesBecomeFacetChunks() {
        let ordinals = (0..<5000).map { Int64(65_536 + 3 * $0) } + [131_072, 131_073, 200_000]
        let chunks = BitChunk.chunks(ofSorted: ordinals)
        #expect(chunks.keys.sorted() == [1, 2, 3])
        guard case .bitmap = chunks[1] else {
            Issue.record("5,000 members make a bitmap")
            return
        }
        #expect(chunks[1]?.cardinality == 5000)
        #expect(chunks[1]?.contains(UInt16(3 * 4999)) == true)
        #expect(chunks[1]?.contains(1) == false)
        #expect(chunks[2] == .array([0, 1]))
        #expect(chunks[3] == .array([UInt16(200_000 - 3 * 65_536)]))
    }

    @Test func aFragmentsTrigramsAreItsConsecutiveCharacters() {
        #expect(NameChunk.gramKeys(of: Array("ab".utf8)).isEmpty)
        #expect(NameChunk.gramKeys(of: Array("日本語".utf8)).count == 1)
        #expect(NameChunk.gramKeys(of: Array("aaaaa".utf8)).count == 1)
        #expect(NameChunk.gramKeys(of: Array("abcd".utf8)).count == 2)
        #expect(NameChunk.gramKeys(of: Array("ab日d".utf8)) == NameChunk.gramKeys(of: Array("ab日".utf8)) + NameChunk.gramKeys(of: Array("b日d".utf8)))
    }

    /// 9,000 tasks of one project: two chunks of ordinals. Every seventh name holds "blue".
    static func tasks() -> [JobRecord] {
        var random = ModelContractTests.Random(state: 11)
        return (0..<9000).map { index in
            var record = ModelContractTests.task(index, &random)
            record.id = "n\(index)"
            record.name = "task-\(index % 7 == 0 ? "Blue" : "red")-\(index)"
            record.dbUseType = .sync
            record.status = .configuration
            record.children = []
            return record
        }
    }

    static func total(_ store: SQLiteStore, _ name: String) async throws -> Int {
        let body = #"{"db_use_type":"sync","engine_type":"","name":"\#(name)"}"#
        return try await store.page(try JobQueryParser.parse(Array(body.utf8)), offset: 0, limit: 10, project: Fixture.projectA).total
    }

    /// A second store on the same file writes: every kind of change to a name or a lane, while the first holds the
    /// chunks in memory. The first's totals must follow, and must come from its names in memory.
    @Test func aNameTotalFollowsTheWritesOfAnotherProcess() async throws {
        try await SQLiteSpecificTests.withFile { path in
            let reader = try await SQLiteStore.open(path: path, poolSize: 2)
            let writer = try await SQLiteStore.open(path: path, poolSize: 2)
            try await reader.serving {
                try await writer.serving {
                    try await writer.createProject(id: Fixture.projectA, name: "A")
                    try await writer.importJobs(Self.tasks(), project: Fixture.projectA)
                    #expect(try await Self.total(reader, "blue") == 1286)
                    #expect(try await Self.total(reader, "ask-red-899") == 10)
                    #expect(reader.nameIndex.heldChunks == 2)
                    try await writer.write(project: Fixture.projectA) { tasks in
                        func change(_ id: String, _ edit: (inout JobRecord) -> Void) async throws {
                            let task = try #require(try await tasks.find(id: id))
                            var record = task.record
                            edit(&record)
                            try await tasks.update(task, to: record)
                        }
                        try await change("n0") { $0.name = "renamed-red" }  // loses "blue"
                        try await change("n1") { $0.name = "BLUE-again" }  // gains it
                        try await change("n7") { $0.status = .deleted }  // leaves the lane
                        try await tasks.remove(try #require(try await tasks.find(id: "n14")))
                        var fresh = Self.tasks()[1]
                        fresh.id = "fresh"
                        fresh.name = "fresh-blue"
                        _ = try await tasks.insert(fresh)
                        // The task whose ID is the text matches too.
                        fresh.id = "blue"
                        fresh.name = "fresh-red"
                        _ = try await tasks.insert(fresh)
                    }
                    #expect(try await Self.total(reader, "blue") == 1286 - 1 + 1 - 1 - 1 + 1 + 1)
                    #expect(try await Self.total(reader, "renamed") == 1)
                    #expect(try await Self.total(reader, "BLUE-AGAIN") == 1)
                }
            }
        }
    }

    /// A file holding ``tasks()`` in project A: the store, the project's tenant and the tasks' lane.
    static func withTasks(poolSize: Int, _ body: (SQLiteStore, Int64, Int) async throws -> Void) async throws {
        try await SQLiteSpecificTests.withFile { path in
            let store = try await SQLiteStore.open(path: path, poolSize: poolSize)
            try await store.serving {
                try await store.createProject(id: Fixture.projectA, name: "A")
                try await store.importJobs(Self.tasks(), project: Fixture.projectA)
                let tenant = try #require(try await store.read { try store.tenant(Fixture.projectA, $0) })
                try await body(store, tenant, Lane.of(DBUseType.sync, JobStatus.configuration))
            }
        }
    }

    /// A request reads at most so many chunks it does not hold; until they are all held, the total comes from the walk.
    @Test func aRequestReadsAFewChunksAndTheNextOnesTheRest() async throws {
        try await Self.withTasks(poolSize: 2) { store, tenant, lane in
            let index = NameIndex(readsPerRequest: 1)
            for expected in [nil, 1286] as [Int?] {
                let matches = try await store.readTransaction { db in
                    try await index.matches(of: "blue", tenant: tenant, lane: lane, db, pool: store.pool)
                }
                #expect(matches?.count == expected)
            }
            #expect(try await Self.total(store, "blue") == 1286)
            // Names that would not fit in the limit are never read: the walk counts them.
            let small = NameIndex(limit: NameChunk.typicalBytes)
            let none = try await store.readTransaction { db in
                try await small.matches(of: "blue", tenant: tenant, lane: lane, db, pool: store.pool)
            }
            #expect(none == nil)
            #expect(small.heldChunks == 0)
        }
    }

    /// A connection keeps the chunks of its last searches while the file is unchanged, so that the next search asks the
    /// index for nothing; but only while the index holds them: once the index lets its chunks go (its limit passed),
    /// the connection lets them go at its next search, which reads them again.
    @Test func aConnectionKeepsChunksOnlyWhileTheIndexDoes() async throws {
        try await Self.withTasks(poolSize: 1) { store, tenant, lane in
            let index = NameIndex()
            func search() async throws -> (count: Int?, kept: NameChunk?) {
                try await store.readTransaction { db in
                    let matches = try await index.matches(of: "blue", tenant: tenant, lane: lane, db, pool: store.pool)
                    return (matches?.count, ConnectionFacets.of(db).nameViews[tenant]?.chunks.first)
                }
            }
            weak var first = try await search().kept
            #expect(first != nil)
            #expect(index.heldChunks == 2)
            // The index lets its chunks go; the connection still holds them until its next search, which finds the
            // index's generation moved, reads the chunks into the index again and lets the old ones go.
            index.letGo()
            #expect(first != nil)
            #expect(try await search().count == 1286)
            #expect(index.heldChunks == 2)
            #expect(first == nil)
        }
    }

    /// A page's keys from the matches in memory: all of them sorted, or, for a page ending at position `window`, a
    /// start of that order that holds the `window` smallest and every other key of the last one's millisecond (the page
    /// puts a millisecond in ID order).
    @Test(arguments: [nil, 0, 1, 3, 10, 24, 25, 99, 100, 1000] as [Int?])
    func aPageTakesTheSmallestKeysAndTheRestOfTheLastMillisecond(window: Int?) {
        var random = ModelContractTests.Random(state: 3)
        // Few create times, so that many keys share a millisecond.
        var keys = Set<Int64>()
        while keys.count < 100 {
            keys.insert(
                TaskKey.make(
                    createTime: 1_600_000_000_000 + Int64.random(in: 0..<12, using: &random),
                    sequence: Int64.random(in: 0..<50, using: &random)
                )
            )
        }
        let matches = NameMatches(ordinals: Array(0..<100), keys: keys.shuffled(using: &random))
        let sorted = keys.sorted()
        var needed = sorted
        if let window, window > 0, window < sorted.count {
            let last = sorted[window - 1]
            needed = sorted.filter { $0 <= last || TaskKey.createTime($0) == TaskKey.createTime(last) }
        }
        let given = matches.sortedKeys(window: window)
        #expect(given == Array(sorted.prefix(given.count)))
        #expect(given.count >= needed.count)
        if window == nil { #expect(given == sorted) }
    }

    /// With no memory for names, every name search is counted and walked from the FTS5 index, with the same answers.
    @Test func withoutNamesInMemoryFTS5GivesTheSameAnswers() async throws {
        try await SQLiteSpecificTests.withFile { path in
            let store = try await SQLiteStore.open(path: path, nameMemory: 0)
            try await store.serving {
                try await store.createProject(id: Fixture.projectA, name: "A")
                var random = ModelContractTests.Random(state: 42)
                let model = (0..<60).map { ModelContractTests.task($0, &random) }
                try await store.importJobs(model, project: Fixture.projectA)
                try await ModelContractTests.check(store, model, "FTS5 only")
                #expect(store.nameIndex.heldChunks == 0)
            }
        }
    }

    /// Many matches sharing milliseconds: a page picked from the matches in memory holds its whole last millisecond, so
    /// that the page's tasks of one millisecond are in ID order.
    @Test func pagesOfMatchesSharingMillisecondsAreTheReferenceAnswer() async throws {
        try await SQLiteSpecificTests.withFile { path in
            let store = try await SQLiteStore.open(path: path)
            try await store.serving {
                try await store.createProject(id: Fixture.projectA, name: "A")
                var random = ModelContractTests.Random(state: 5)
                let model = (0..<400).map { index in
                    var record = ModelContractTests.task(index, &random)
                    record.name = index % 2 == 0 ? "blue-\(index)" : "red-\(index)"
                    record.createTime = 1_600_000_000_000 + Int64(index % 9)
                    record.dbUseType = .sync
                    record.status = .configuration
                    record.children = []
                    return record
                }
                try await store.importJobs(model, project: Fixture.projectA)
                let query = try JobQueryParser.parse(Array(#"{"db_use_type":"sync","engine_type":"","name":"blue"}"#.utf8))
                let expected = ReferenceQuery.answer(model, query).map(\.id)
                #expect(expected.count == 200)
                for (offset, limit) in [(0, 1), (0, 3), (3, 4), (10, 7), (21, 2), (0, 40), (190, 20)] {
                    let page = try await store.page(query, offset: offset, limit: limit, project: Fixture.projectA)
                    #expect(page.total == expected.count)
                    #expect(page.jobs.map(\.id) == Array(expected.dropFirst(offset).prefix(limit)), "[\(offset), \(limit)]")
                }
                #expect(store.nameIndex.heldChunks == 1)
            }
        }
    }
}
