import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Testing

/// `lifecycle.md` §13 test 8 at the store: after every operation and every simulator step, in a random walk of
/// tasks of every scenario, `total_record` (no filter, and per status) equals the count the transition logs give.
@Suite struct TotalsAfterEveryTransitionTests {
    typealias T = LifecycleStoreTests
    static let project = Fixture.projectA

    static let operations: [LifeOperation] = [
        .precheck(mode: "forStartJob"), .start(at: nil, options: StartOptions(autoCreateCompare: nil)), .pause(mode: "all"), .retry,
        .terminate, .forceTerminate, .delete, .switchOver(pauseJob: true), .switchOver(pauseJob: false),
    ]

    /// Per (scenario, status): the number of top-level tasks whose log ends in that status.
    static func fromLogs(_ lifecycle: TaskLifecycle, _ ids: [String], _ uses: [String: DBUseType]) async throws -> [String: Int] {
        var totals: [String: Int] = [:]
        for id in ids {
            let log = try #require(try await lifecycle.history(id: id, project: project))
            let status = try #require(log.last).status
            totals["\(uses[id]!.rawValue)/\(status.rawValue)", default: 0] += 1
        }
        return totals
    }

    static func expectTotals(
        _ store: any Store,
        _ lifecycle: TaskLifecycle,
        _ ids: [String],
        _ uses: [String: DBUseType],
        _ comment: String
    ) async throws {
        let expected = try await fromLogs(lifecycle, ids, uses)
        for use in DBUseType.allCases {
            let live = expected.filter { $0.key.hasPrefix(use.rawValue + "/") && !$0.key.hasSuffix("/DELETED") }.values.reduce(0, +)
            #expect(try await T.total(store, use) == live, "\(comment): \(use)")
            for status in JobStatus.allCases {
                let count = try await T.total(store, use, status)
                #expect(count == expected["\(use.rawValue)/\(status.rawValue)", default: 0], "\(comment): \(use) \(status)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyTransitionKeepsTheTotalsExact(kind: StoreKind) async throws {
        try await T.withLifecycle(kind) { lifecycle, clock, store in
            var ids = Fixture.tasksA.map(\.id)
            var uses = Dictionary(uniqueKeysWithValues: Fixture.tasksA.map { ($0.id, $0.dbUseType) })
            for index in 0..<9 {
                let use = DBUseType.allCases[index % 3]
                let type: TaskType = use == .cloudDataGuard ? .fullIncrTrans : [.fullTrans, .fullIncrTrans, .incrTrans][index / 3]
                let id = try await T.created(lifecycle, T.newTask("walker \(index)", type: type, use: use)).record.id
                ids.append(id)
                uses[id] = use
            }
            try await Self.expectTotals(store, lifecycle, ids, uses, "created")
            var random = SeededRandom(state: 10)
            for round in 0..<60 {
                let id = ids[Int(random.next() % UInt64(ids.count))]
                let operation = Self.operations[Int(random.next() % UInt64(Self.operations.count))]
                _ = try await lifecycle.operate(operation, id: id, project: Self.project)
                try await Self.expectTotals(store, lifecycle, ids, uses, "round \(round): \(operation) on \(id)")
                clock.advance(Int64(random.next() % 4_000))
                var steps = 0
                while try await lifecycle.round(limit: 1) > 0 {
                    steps += 1
                    try await Self.expectTotals(store, lifecycle, ids, uses, "round \(round), step \(steps)")
                }
            }
        }
    }
}
