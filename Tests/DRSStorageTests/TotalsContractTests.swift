import DRSDomain
import DRSStorage
import DRSTestSupport
import Testing

/// `total_record` comes from counts kept beside the tasks; these check that it always equals the number of matches.
@Suite struct TotalsContractTests {
    /// Every combination of scenario with one other counted filter, over the values the fixture and `replacements` use.
    static let bodies: [String] = {
        let filters = [
            "", #","engine_type":"""#, #","engine_type":"mongodb""#, #","engine_type":"","status":"DELETED""#,
            #","engine_type":"","status":"CONFIGURATION""#, #","status":"CONFIGURATION""#, #","engine_type":"","net_type":"vpc""#,
            #","engine_type":"","enterprise_project_id":"eps-1""#, #","engine_type":"","enterprise_project_id":"0""#,
            #","engine_type":"","status":"PAUSING","net_type":"vpc","enterprise_project_id":"eps-1""#,
        ]
        return ["sync", "migration"].flatMap { use in filters.map { #"{"db_use_type":"\#(use)","per_page":100"# + $0 + "}" } }
    }()

    /// Re-imports that move tasks between every counted dimension, promote a child and drop a parent's children.
    static let replacements: [JobRecord] = [
        Fixture.job("a01", "was sync mysql", .sync, .mongodb, .deleted, "2021-01-05 10:00:00"),
        Fixture.job("a02", "now migration", .migration, .mysql, .configuration, "2021-01-05 10:00:00", net: .vpc) {
            $0.enterpriseProjectID = "eps-1"
        },
        Fixture.job("a06-c1", "was a child", .sync, .mysql, .pausing, "2021-02-01 00:00:00", net: .vpc) {
            $0.enterpriseProjectID = "eps-1"
        },
        Fixture.job("a06", "no more children", .sync, .postgresql, .configuration, "2021-01-01 00:00:00"),
        Fixture.job("a08", "new", .sync, .mysql, .configuration, "2021-03-01 00:00:00"),
    ]

    static func expectTotalsMatchTasks(_ store: any Store, _ comment: String) async throws {
        for body in bodies {
            let query = try JobQueryParser.parse(Array(body.utf8))
            let page = try await store.page(query, offset: 0, limit: 1000, project: Fixture.projectA)
            #expect(page.total == page.jobs.count, "\(comment): \(body)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func totalsFollowEveryImport(kind: StoreKind) async throws {
        try await TaskStoreContractTests.withFixture(kind) { store in
            try await Self.expectTotalsMatchTasks(store, "fixture")
            for (index, replacement) in Self.replacements.enumerated() {
                try await store.importJobs([replacement], project: Fixture.projectA)
                try await Self.expectTotalsMatchTasks(store, "after replacement \(index)")
            }
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            try await Self.expectTotalsMatchTasks(store, "after the fixture again")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRefusedImportLeavesTheTotals(kind: StoreKind) async throws {
        try await TaskStoreContractTests.withFixture(kind) { store in
            let sync = try JobQueryParser.parse(Array(#"{"db_use_type":"sync","engine_type":""}"#.utf8))
            let before = try await store.page(sync, offset: 0, limit: 0, project: Fixture.projectA).total
            // a09 would be new, but b01 belongs to project B: nothing of the import may stay.
            let refused = [Fixture.tasksA[0], Fixture.job("a09", "x", .sync, .mysql, .configuration, "2021-01-01 00:00:00"), Fixture.tasksB[0]]
            await #expect(throws: StoreError.self) { try await store.importJobs(refused, project: Fixture.projectA) }
            #expect(try await store.page(sync, offset: 0, limit: 0, project: Fixture.projectA).total == before)
            try await Self.expectTotalsMatchTasks(store, "after a refused import")
        }
    }
}
