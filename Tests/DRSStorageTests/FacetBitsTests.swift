import DRSDomain
import DRSTestSupport
import Testing

@testable import DRSStorage

/// The facet bits as plain data: chunks against sets of members, facets of tasks and queries.
@Suite struct FacetBitsTests {
    /// A seeded generator, the same run every time.
    typealias Random = ModelContractTests.Random

    static func members(_ chunk: BitChunk?) -> Set<UInt16> {
        guard let chunk else { return [] }
        return Set((0...UInt16.max).filter { chunk.contains($0) })
    }

    static func random(count: Int, _ random: inout Random) -> Set<UInt16> {
        var members = Set<UInt16>()
        while members.count < count { members.insert(UInt16.random(in: 0...UInt16.max, using: &random)) }
        return members
    }

    /// Sizes on both sides of the array limit, and the extremes.
    static let sizes = [0, 1, 2, 100, 4_094, 4_095, 4_096, 4_097, 20_000, 65_536]

    @Test(arguments: sizes) func changesAppliedInOrderGiveTheSameMembersAsASet(size: Int) {
        var random = Random(state: UInt64(size))
        let start = Self.random(count: min(size, 65_536), &random)
        var chunk = BitChunk.applying(start.sorted().map { FacetChange(low: $0, set: true) }, to: nil)
        var expected = start
        #expect(Self.members(chunk) == expected)
        // Set and clear, repeating members, in one batch: the last change of a member wins.
        var changes: [FacetChange] = []
        for _ in 0..<3_000 {
            let low = UInt16.random(in: 0...UInt16.max, using: &random)
            let set = Bool.random(using: &random)
            changes.append(FacetChange(low: low, set: set))
            if set { expected.insert(low) } else { expected.remove(low) }
        }
        chunk = BitChunk.applying(changes, to: chunk)
        #expect(Self.members(chunk) == expected)
        #expect(chunk?.cardinality ?? 0 == expected.count)
        // The smaller form, and stored bytes that read back the same.
        if let chunk {
            switch chunk {
            case .array(let members): #expect(members.count <= BitChunk.arrayLimit && members == members.sorted())
            case .bitmap: #expect(expected.count > BitChunk.arrayLimit)
            }
            #expect(BitChunk(bytes: chunk.bytes) == chunk)
            #expect(chunk.bytes.count == min(expected.count * 2, BitChunk.bitmapBytes))
        } else {
            #expect(expected.isEmpty)
        }
    }

    /// A lifecycle write changes one or two members at a time: those go through a binary search of the members.
    @Test(arguments: [10, 3_000, 5_000]) func aFewChangesAtATime(size: Int) {
        var random = Random(state: UInt64(size) + 7)
        var expected = Self.random(count: size, &random)
        var chunk = BitChunk.applying(expected.sorted().map { FacetChange(low: $0, set: true) }, to: nil)
        for round in 0..<120 {
            var changes: [FacetChange] = []
            for _ in 0..<(1 + round % 4) {
                // Members near the present ones, so that sets and clears both hit and miss.
                let low = UInt16(truncatingIfNeeded: Int(expected.randomElement(using: &random) ?? 0) + Int.random(in: -1...1, using: &random))
                let set = Bool.random(using: &random)
                changes.append(FacetChange(low: low, set: set))
                if set { expected.insert(low) } else { expected.remove(low) }
            }
            chunk = BitChunk.applying(changes, to: chunk)
            #expect(Self.members(chunk) == expected, "round \(round)")
            if case .array(let members)? = chunk { #expect(members == members.sorted() && Set(members).count == members.count) }
        }
    }

    @Test func bytesOfNoChunkAreRefused() {
        #expect(BitChunk(bytes: [1]) == nil)
        #expect(BitChunk(bytes: [UInt8](repeating: 0, count: 8_194)) == nil)
        #expect(BitChunk(bytes: [UInt8](repeating: 0, count: 8_200)) == nil)
    }

    /// Every mix of arrays and bitmaps, in every order.
    @Test(arguments: [
        (3, 5_000, 70), (4_000, 4_000, 200), (30_000, 50_000, 10), (0, 10, 10), (30_000, 50_000, 20_000), (3_000, 2_000, 1_000),
        (100, 200, 50), (60_000, 9, 4_095),
    ])
    func unionsAndIntersectionsCountLikeSets(a: Int, b: Int, c: Int) {
        var random = Random(state: UInt64(a * 31 + b))
        let sets = [a, b, c].map { Self.random(count: $0, &random) }
        let chunks = sets.map { BitChunk.applying($0.map { FacetChange(low: $0, set: true) }, to: nil) ?? .array([]) }
        for (x, y) in [(0, 1), (1, 0), (0, 2), (2, 1)] {
            #expect(Self.members(BitChunk.union(chunks[x], chunks[y])) == sets[x].union(sets[y]))
            #expect(BitChunk.intersectionCount([chunks[x], chunks[y]]) == sets[x].intersection(sets[y]).count)
        }
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            #expect(BitChunk.intersectionCount(order.map { chunks[$0] }) == sets[0].intersection(sets[1]).intersection(sets[2]).count)
        }
        #expect(BitChunk.intersectionCount([chunks[1]]) == sets[1].count)
    }

    @Test func ordinalsSplitIntoChunksOf65536() {
        #expect(BitChunk.split(0) == (0, 0))
        #expect(BitChunk.split(65_535) == (0, 65_535))
        #expect(BitChunk.split(65_536) == (1, 0))
        #expect(BitChunk.split(3 << 16 + 7) == (3, 7))
    }

    static func record(tags: [JobRecord.Tag] = [], source: JobRecord.Instance? = nil, target: JobRecord.Instance? = nil) -> JobRecord {
        var record = JobRecord(
            id: "a",
            name: "n",
            status: .configuration,
            createTime: 0,
            engineType: .mysql,
            netType: .vpc,
            jobDirection: .up,
            dbUseType: .sync,
            taskType: .fullTrans
        )
        record.tags = tags
        record.sourceInstance = source
        record.targetInstance = target
        return record
    }

    @Test func aTaskHasEachFacetOnce() {
        let shared = JobRecord.Instance(id: "i-1", ip: "10.0.0.1")
        let facets = Facets.of(Self.record(tags: [.init(key: "env", value: "prod")], source: shared, target: shared), lane: 2)
        #expect(facets.count == Set(facets).count)
        #expect(facets.filter { $0.hasPrefix("2/i") } == ["2/ii-1"])
        #expect(facets.filter { $0.hasPrefix("2/a") } == ["2/a10.0.0.1"])
    }

    @Test func tagKeysAndValuesNeverRunTogether() {
        let one = Facets.of(Self.record(tags: [.init(key: "a", value: "bc")]), lane: 0)
        let other = Facets.of(Self.record(tags: [.init(key: "ab", value: "c")]), lane: 0)
        #expect(Set(one).isDisjoint(with: Set(other).subtracting(Facets.of(Self.record(), lane: 0))))
    }

    static func query(_ json: String) throws -> JobQuery {
        try JobQueryParser.parse(Array(json.utf8))
    }

    @Test(arguments: [
        #"{"db_use_type":"sync","engine_type":""}"#, #"{"db_use_type":"sync","engine_type":"","status":"PAUSING"}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"x","tags":{"env":"prod"}}"#,
    ])
    func queriesCountedElsewhereHaveNoParts(json: String) throws {
        #expect(Facets.parts(of: try Self.query(json)) == nil)
    }

    @Test func aQuerysPartsAreItsFiltersInItsLane() throws {
        let query = try Self.query(
            #"{"db_use_type":"sync","engine_type":"mysql","status":"DELETED","tags":{"env":"prod","team":""},"instance_ids":["b","a","b"],"instance_ip":"10.0.0.1"}"#
        )
        let lane = Lane.of(query)
        let parts = try #require(Facets.parts(of: query))
        #expect(parts.count == 5)
        #expect(parts.contains(["\(lane)/e\(EngineType.mysql.code)"]))
        #expect(parts.contains(["\(lane)/ia", "\(lane)/ib"]))
        #expect(parts.contains(["\(lane)/a10.0.0.1"]))
        #expect(parts.contains(["\(lane)/kteam"]))
        // Every facet a matching task has.
        var task = Self.record(tags: [.init(key: "env", value: "prod"), .init(key: "team", value: "x")], target: .init(id: "a", ip: "10.0.0.1"))
        task.status = .deleted
        let facets = Set(Facets.of(task, lane: lane))
        #expect(parts.allSatisfy { !facets.isDisjoint(with: $0) })
    }

    @Test func totalsIntersectPartsAndUniteWithinThem() {
        func chunk(_ members: [UInt16]) -> BitChunk { BitChunk.applying(members.map { FacetChange(low: $0, set: true) }, to: nil)! }
        let chunks: [String: [Int64: BitChunk]] = [
            "x": [0: chunk([1, 2, 3]), 1: chunk([5])],
            "y": [0: chunk([3, 4]), 1: chunk([5, 6])],
            "z": [0: chunk([1, 2, 3, 4]), 1: chunk([5, 6]), 2: chunk([9])],
        ]
        // (x ∪ y) ∩ z: {1, 2, 3, 4} in chunk 0, {5, 6} in chunk 1.
        #expect(Facets.count([["x", "y"], ["z"]], chunks: chunks) == 6)
        #expect(Facets.count([["x"], ["y"]], chunks: chunks) == 2)
        #expect(Facets.count([["z"]], chunks: chunks) == 7)
        #expect(Facets.count([["x"], ["missing"]], chunks: chunks) == 0)
    }
}
