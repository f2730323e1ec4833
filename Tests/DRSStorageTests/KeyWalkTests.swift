import DRSTestSupport
import Foundation
import Testing

@testable import DRSStorage

/// The pieces of the SQLite store's query plans that need no database: the leapfrog join over key lists, and the window
/// that puts tasks created in the same millisecond in ID order.
@Suite struct KeyWalkTests {
    static func walk(_ source: any KeySource) throws -> [Int64] {
        var keys: [Int64] = []
        try source.seek(atLeast: .min)
        while let key = source.current {
            keys.append(key)
            try source.advance()
        }
        return keys
    }

    @Test func intersectionsAndUnionsOfListsOfEverySize() throws {
        var random = ModelContractTests.Random(state: 3)
        for _ in 0..<200 {
            let lists = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                Set((0..<Int.random(in: 0...300, using: &random)).map { _ in Int64.random(in: -50...500, using: &random) })
            }
            let expectedAll = lists.dropFirst().reduce(lists[0]) { $0.intersection($1) }.sorted()
            #expect(try Self.walk(IntersectionKeySource(lists.map { ArrayKeySource(Array($0)) })) == expectedAll)
            let expectedAny = lists.reduce(Set<Int64>()) { $0.union($1) }.sorted()
            #expect(try Self.walk(UnionKeySource(lists.map { ArrayKeySource(Array($0)) })) == expectedAny)
        }
    }

    /// Keys of tasks created at `times` (index = counter value), and their IDs.
    static func tasks(_ times: [Int64]) -> (keys: [Int64], ids: [Int64: String]) {
        var ids: [Int64: String] = [:]
        var keys: [Int64] = []
        for (index, time) in times.enumerated() {
            let key = TaskKey.make(createTime: time, sequence: Int64(index))
            keys.append(key)
            // IDs in the opposite order of the counter, so that key order is never ID order within a millisecond.
            ids[key] = "id-\(String(format: "%03d", 999 - index))"
        }
        return (keys.sorted(), ids)
    }

    @Test func pagesPutTasksOfTheSameMillisecondInIDOrder() {
        var random = ModelContractTests.Random(state: 11)
        for _ in 0..<300 {
            let times = (0..<Int.random(in: 0...40, using: &random)).map { _ in Int64.random(in: 0...6, using: &random) * 1000 }
            let (keys, ids) = Self.tasks(times)
            let expected = keys.sorted { TaskKey.createTime($0) != TaskKey.createTime($1) ? $0 < $1 : ids[$0]! < ids[$1]! }
            let offset = Int.random(in: 0...45, using: &random)
            let limit = Int.random(in: 1...12, using: &random)
            var collector = WindowCollector(offset: offset, limit: limit)
            for key in keys { collector.add(key) }
            collector.finish()
            let page = collector.page { keys in ids.filter { keys.contains($0.key) } }
            #expect(page == Array(expected.dropFirst(offset).prefix(limit)), "\(times) [\(offset), \(limit)]")
        }
    }

    @Test func aPageIsSettledOnceTheNextMillisecondBegins() {
        let (keys, _) = Self.tasks([5, 5, 4, 4, 4, 3, 2])
        var collector = WindowCollector(offset: 1, limit: 2)
        for key in keys.prefix(5) {
            #expect(!collector.isComplete)
            collector.add(key)
        }
        collector.add(keys[5])
        #expect(collector.isComplete)
    }

    @Test func keysFollowCreateTimeAcrossTheWholeRange() {
        let times: [Int64] = [TaskKey.createTimeRange.lowerBound, -1, 0, 1, 1_700_000_000_000, TaskKey.createTimeRange.upperBound]
        for (earlier, later) in zip(times, times.dropFirst()) {
            // Newer tasks have smaller keys.
            #expect(TaskKey.make(createTime: later, sequence: (1 << 15) - 1) < TaskKey.make(createTime: earlier, sequence: 0))
            #expect(TaskKey.createTime(TaskKey.make(createTime: later, sequence: 12345)) == later)
        }
        // Years 1 and 9999 of `yyyy-MM-dd HH:mm:ss` fit.
        #expect(TaskKey.createTimeRange.contains(-62_135_596_800_000))
        #expect(TaskKey.createTimeRange.contains(253_402_300_799_000))
    }

    @Test func totalsComeFromTheSmallestCountTable() {
        #expect(CountRollups.best(for: []).table == "counts_lane")
        #expect(CountRollups.best(for: [.status]).table == "counts_status")
        #expect(CountRollups.best(for: [.engine]).table == "counts_engine")
        #expect(CountRollups.best(for: [.engine, .status]).dimensions.count == 2)
        #expect(CountRollups.best(for: [.net, .engine]).table == "counts_net")
        #expect(CountRollups.best(for: [.eps]).table == "counts_eps")
        #expect(CountRollups.best(for: [.eps, .status, .net, .engine]).table == "counts_eps_detail")
    }
}
