import DRSDomain
import DRSTestSupport
import Foundation
import Testing

@testable import DRSStorage

/// Random tasks, random changes of every kind through the write path, and random queries, each answer checked against
/// ``ReferenceQuery`` over a model kept in the test: totals, order (ties in the same millisecond included) and pages.
@Suite struct ModelContractTests {
    typealias Random = SeededRandom

    static let words = ["orders", "Billing", "größe", "k042", "a_b", "100%", "x", "ÄÖÜ", "orders-k042"]

    static func task(_ index: Int, _ random: inout Random) -> JobRecord {
        // Few distinct create times, so that many tasks share a millisecond.
        let time = Int64(1_600_000_000_000) + Int64(Int.random(in: 0..<40, using: &random)) * 1000
        var record = JobRecord(
            id: "t\(String(format: "%04d", index))-\(Int.random(in: 0..<10, using: &random))",
            name: Array(repeating: 0, count: Int.random(in: 1...3, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(
                separator: "-"
            ),
            status: [.configuration, .increTransferStarted, .deleted, .pausing, .fullTransferFailed].randomElement(using: &random)!,
            createTime: time,
            engineType: [.mysql, .postgresql, .cloudDataGuardMySQL].randomElement(using: &random)!,
            netType: NetType.ordered.randomElement(using: &random)!,
            jobDirection: .up,
            dbUseType: [.sync, .sync, .migration].randomElement(using: &random)!,
            taskType: .fullIncrTrans
        )
        record.enterpriseProjectID = ["0", "0", "eps-1"].randomElement(using: &random)!
        if Bool.random(using: &random) { record.tags.append(.init(key: "env", value: ["prod", "dev"].randomElement(using: &random)!)) }
        if Bool.random(using: &random) { record.tags.append(.init(key: "team", value: "dba")) }
        if Bool.random(using: &random) {
            record.sourceInstance = .init(id: "inst-\(Int.random(in: 0..<3, using: &random))", ip: "10.0.0.\(Int.random(in: 1...3, using: &random))")
        }
        if Bool.random(using: &random) {
            record.targetInstance = .init(id: "inst-\(Int.random(in: 0..<3, using: &random))", ip: "10.0.0.\(Int.random(in: 1...3, using: &random))")
        }
        if Int.random(in: 0..<5, using: &random) == 0 {
            record.children = [
                JobRecord(
                    id: record.id + "-c",
                    name: "child",
                    status: .childTransferStarted,
                    createTime: time,
                    engineType: record.engineType,
                    netType: .vpc,
                    jobDirection: .up,
                    dbUseType: record.dbUseType,
                    taskType: .fullTrans
                )
            ]
        }
        return record
    }

    static let queries: [String] = [
        #"{"db_use_type":"sync","engine_type":""}"#, #"{"db_use_type":"sync"}"#, #"{"db_use_type":"migration","engine_type":""}"#,
        #"{"db_use_type":"sync","engine_type":"","status":"DELETED"}"#, #"{"db_use_type":"sync","engine_type":"","status":"PAUSING"}"#,
        #"{"db_use_type":"sync","engine_type":"","net_type":"vpc"}"#, #"{"db_use_type":"sync","engine_type":"postgresql","net_type":"eip"}"#,
        #"{"db_use_type":"sync","engine_type":"","enterprise_project_id":"eps-1"}"#,
        #"{"db_use_type":"sync","engine_type":"","enterprise_project_id":"0","status":"CONFIGURATION","net_type":"vpn"}"#,
        #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"}}"#, #"{"db_use_type":"sync","engine_type":"","tags":{"env":""}}"#,
        #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod","team":"dba"}}"#,
        #"{"db_use_type":"sync","engine_type":"","instance_ip":"10.0.0.1"}"#,
        #"{"db_use_type":"sync","engine_type":"","instance_ids":["inst-1","inst-2"],"tags":{"team":""}}"#,
        #"{"db_use_type":"sync","engine_type":"","instance_ip":"10.0.0.2","tags":{"env":"dev"},"net_type":"vpc"}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"orders"}"#, #"{"db_use_type":"sync","engine_type":"","name":"K042"}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"größe"}"#, #"{"db_use_type":"sync","engine_type":"","name":"_"}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"äö"}"#, #"{"db_use_type":"sync","engine_type":"","name":"s-"}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"ders-k0","tags":{"env":"prod"}}"#,
        #"{"db_use_type":"sync","engine_type":"","name":"t0003-1,t0010-2,t0011-5,t0020-0,t0021-9"}"#,
        #"{"db_use_type":"sync","engine_type":"mysql","name":"t0005-3"}"#,
    ]

    /// Checks every query, at several page windows and streamed, against the model.
    static func check(_ store: any Store, _ model: [JobRecord], _ step: String) async throws {
        for body in queries {
            let query = try JobQueryParser.parse(Array(body.utf8))
            let expected = ReferenceQuery.answer(model, query).map(\.id)
            for (offset, limit) in [(0, 1000), (0, 3), (3, 4), (7, 5), (expected.count, 10)] {
                let page = try await store.page(query, offset: offset, limit: limit, project: Fixture.projectA)
                #expect(page.total == expected.count, "\(step): \(body) total")
                let window = Array(expected.dropFirst(offset).prefix(limit))
                #expect(page.jobs.map(\.id) == window, "\(step): \(body) [\(offset), \(limit)]")
            }
            var streamed: [String] = []
            var total = -1
            try await store.streamAll(
                query,
                project: Fixture.projectA,
                batchSize: 3,
                onTotal: { total = $0 },
                render: { try $0.records().map(\.id) },
                emit: { streamed += $0 }
            )
            #expect(total == expected.count && streamed == expected, "\(step): \(body) streamed")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyKindOfWriteKeepsAnswersAndTotalsExact(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            var random = Random(state: 42)
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.createProject(id: Fixture.projectB, name: "B")
            // Another tenant with the same kinds of tasks: it must never show up.
            var other = Random(state: 7)
            try await store.importJobs(
                (0..<40).map {
                    var task = Self.task($0, &other)
                    task.id = "b-" + task.id
                    task.children = []
                    return task
                },
                project: Fixture.projectB
            )
            var model = (0..<60).map { Self.task($0, &random) }
            try await store.importJobs(model, project: Fixture.projectA)
            try await Self.check(store, model, "import")

            // Each kind of change through the write path, then the check.
            func change(_ step: String, _ edit: (inout JobRecord) -> Void, at index: Int) async throws {
                var record = model[index]
                edit(&record)
                let updated = record
                try await store.write(project: Fixture.projectA) { writer in
                    let stored = try #require(try await writer.find(id: updated.id))
                    try await writer.update(stored, to: updated)
                }
                model[index] = updated
                try await Self.check(store, model, step)
            }
            try await change("status", { $0.status = .fullTransferFailed }, at: 1)
            try await change("deleted", { $0.status = .deleted }, at: 2)
            try await change("undeleted", { $0.status = .configuration }, at: 2)
            try await change("engine", { $0.engineType = .postgresql }, at: 3)
            try await change("network", { $0.netType = .vpn }, at: 4)
            try await change("enterprise project", { $0.enterpriseProjectID = "eps-1" }, at: 5)
            try await change("scenario", { $0.dbUseType = $0.dbUseType == .sync ? .migration : .sync }, at: 6)
            try await change("name", { $0.name = "renamed-k042-größe" }, at: 7)
            try await change("tags", { $0.tags = [.init(key: "env", value: "prod"), .init(key: "team", value: "dba")] }, at: 8)
            try await change(
                "instances",
                {
                    $0.sourceInstance = .init(id: "inst-2", ip: "10.0.0.1")
                    $0.targetInstance = nil
                },
                at: 9
            )
            try await change(
                "everything",
                {
                    $0.status = .deleted
                    $0.name = "gone"
                    $0.tags = []
                    $0.dbUseType = .migration
                },
                at: 10
            )

            // A new task, through the writer.
            var fresh = Self.task(900, &random)
            fresh.createTime = model[0].createTime  // a tie with an existing task
            let inserted = fresh
            try await store.write(project: Fixture.projectA) { _ = try await $0.insert(inserted) }
            model.append(fresh)
            try await Self.check(store, model, "insert")

            // Removal of a top-level task (with its children) and of a subtask alone.
            let parentIndex = try #require(model.firstIndex { !$0.children.isEmpty })
            let parentID = model[parentIndex].id
            try await store.write(project: Fixture.projectA) { writer in try await writer.remove(try #require(try await writer.find(id: parentID))) }
            model.remove(at: parentIndex)
            try await Self.check(store, model, "remove")
            if let withChild = model.firstIndex(where: { !$0.children.isEmpty }) {
                let childID = model[withChild].children[0].id
                try await store.write(project: Fixture.projectA) { writer in try await writer.remove(try #require(try await writer.find(id: childID)))
                }
                model[withChild].children = []
                try await Self.check(store, model, "remove child")
                let page = try await store.page(
                    try JobQueryParser.parse(
                        Array(
                            #"{"db_use_type":"\#(model[withChild].dbUseType.rawValue)","engine_type":"","status":"\#(model[withChild].status.rawValue)","per_page":100}"#
                                .utf8
                        )
                    ),
                    offset: 0,
                    limit: 100,
                    project: Fixture.projectA
                )
                #expect(page.jobs.first { $0.id == model[withChild].id }?.children == [])
            }

            // Re-import of some tasks (replaced with new values) and new ones.
            var replacements = (0..<10).map { Self.task(2000 + $0, &random) }
            for index in 0..<5 { replacements[index].id = model[index * 3].id }
            try await store.importJobs(replacements, project: Fixture.projectA)
            for replacement in replacements {
                if let index = model.firstIndex(where: { $0.id == replacement.id }) { model[index] = replacement } else { model.append(replacement) }
            }
            try await Self.check(store, model, "re-import")

            // A write that fails changes nothing.
            await #expect(throws: (any Error).self) {
                try await store.write(project: Fixture.projectA) { writer in
                    try await writer.update(
                        try #require(try await writer.find(id: model[0].id)),
                        to: {
                            var r = model[0]
                            r.status = .deleted
                            return r
                        }()
                    )
                    struct Refused: Error {}
                    throw Refused()
                }
            }
            try await Self.check(store, model, "rolled back")

            // The facet bits the write path kept are the bits the tasks have.
            let audit = try #require(store as? any FacetAudit)
            let kept = try await audit.storedFacetBits()
            #expect(!kept.isEmpty)
            try await audit.rebuildFacetBits()
            #expect(try await audit.storedFacetBits() == kept)
        }
    }
}
