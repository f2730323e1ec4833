import DRSDomain
import DRSTestSupport
import Foundation
import Testing

@testable import DRSStorage

/// Filters that thousands of tasks pass: a store may look for their pages in other ways than for rare filters (on
/// PostgreSQL, a walk of the newest tasks that falls back to every match when it does not fill the page), and may choose
/// by what an earlier answer to the same filter showed. Every page, asked once and again, must be the reference answer.
@Suite struct BroadFilterTests {
    /// 3,000 tasks created one second apart (two per second, so that ties are in ID order): a tag on a random half, a
    /// tag on the oldest 1,000 (which a walk of the newest 1,000 tasks of the lane does not reach), instances on a
    /// random third.
    static func tasks() -> [JobRecord] {
        var random = ModelContractTests.Random(state: 99)
        return (0..<3000).map { index in
            var record = ModelContractTests.task(index, &random)
            record.createTime = 1_600_000_000_000 + Int64(index / 2) * 1000
            record.tags = []
            if Bool.random(using: &random) { record.tags.append(.init(key: "env", value: "prod")) }
            if index < 1000 { record.tags.append(.init(key: "era", value: "old")) }
            if Int.random(in: 0..<3, using: &random) == 0 { record.sourceInstance = .init(id: "inst-1", ip: "10.0.0.1") }
            return record
        }
    }

    static let queries = [
        #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"}}"#,
        #"{"db_use_type":"sync","engine_type":"","tags":{"era":"old"}}"#,
        #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"},"instance_ip":"10.0.0.1"}"#,
        #"{"db_use_type":"sync","engine_type":"","tags":{"env":""},"status":"CONFIGURATION"}"#,
        #"{"db_use_type":"sync","engine_type":"","instance_ids":["inst-1"],"tags":{"era":"old"}}"#,
    ]

    @Test(arguments: StoreKind.allCases)
    func everyPageOfABroadFilterIsTheReferenceAnswer(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            let model = Self.tasks()
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.importJobs(model, project: Fixture.projectA)
            for body in Self.queries {
                let query = try JobQueryParser.parse(Array(body.utf8))
                let expected = ReferenceQuery.answer(model, query).map(\.id)
                #expect(expected.count > 100, "\(body): a broad filter")
                let windows = [(0, 10), (95, 10), (480, 25), (expected.count - 5, 10), (expected.count, 10), (0, 1000)]
                for round in ["first", "again"] {
                    for (offset, limit) in windows {
                        let page = try await store.page(query, offset: offset, limit: limit, project: Fixture.projectA)
                        #expect(page.total == expected.count, "\(body) \(round) total")
                        #expect(page.jobs.map(\.id) == Array(expected.dropFirst(offset).prefix(limit)), "\(body) \(round) [\(offset), \(limit)]")
                    }
                }
            }
        }
    }
}
