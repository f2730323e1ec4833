import DRSDomain
import DRSStorage
import DRSTestSupport
import Testing

/// The contract every ``Store`` implementation must pass.
@Suite struct TaskStoreContractTests {
    /// A store holding the fixture's two projects.
    static func withFixture<T: Sendable>(_ kind: StoreKind, _ body: (any Store) async throws -> T) async throws -> T {
        try await kind.withFreshStore { store in
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.createProject(id: Fixture.projectB, name: "B")
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            try await store.importJobs(Fixture.tasksB, project: Fixture.projectB)
            return try await body(store)
        }
    }

    /// Answers a request body the way the API does: one page, or every match streamed.
    static func answer(_ store: any Store, _ body: String, project: String, batchSize: Int = 2) async throws -> JobPage {
        let query = try JobQueryParser.parse(Array(body.utf8))
        switch query.paging {
        case .page(let offset, let limit):
            return try await store.page(query, offset: offset, limit: limit, project: project)
        case .all:
            var page = JobPage(total: -1, jobs: [])
            var totals = 0
            try await store.streamAll(
                query,
                project: project,
                batchSize: batchSize,
                onTotal: {
                    page.total = $0
                    totals += 1
                },
                render: { try $0.records() },
                emit: { page.jobs += $0 }
            )
            #expect(totals == 1)
            return page
        }
    }

    @Test(arguments: StoreKind.allCases)
    func filtersOrderingAndPaging(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            for expectation in Fixture.expectations {
                let page = try await Self.answer(store, expectation.body, project: Fixture.projectA)
                #expect(page.jobs.map(\.id) == expectation.ids, "\(expectation.body)")
                #expect(page.total == expectation.total ?? expectation.ids.count, "\(expectation.body)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantsAreWalls(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            for body in [
                #"{"db_use_type":"sync"}"#, #"{"db_use_type":"sync","name":"DRS_1"}"#, #"{"db_use_type":"sync","name":"a01,a02,b01"}"#,
                #"{"db_use_type":"sync","tags":{"env":"prod"}}"#, #"{"db_use_type":"sync","instance_ip":"10.0.0.1"}"#,
                #"{"db_use_type":"sync","instance_ids":["inst-1"]}"#, #"{"db_use_type":"sync","cur_page":0}"#,
            ] {
                let page = try await Self.answer(store, body, project: Fixture.projectB)
                #expect(page.jobs.map(\.id) == ["b01"], "\(body)")
                #expect(page.total == 1)
            }
            let unknown = try await Self.answer(store, #"{"db_use_type":"sync","engine_type":""}"#, project: String(repeating: "c", count: 32))
            #expect(unknown == JobPage(total: 0, jobs: []))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func answersCarryRecordsAndChildrenInOrder(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            let page = try await Self.answer(store, #"{"db_use_type":"sync","engine_type":"postgresql"}"#, project: Fixture.projectA)
            let job = try #require(page.jobs.first)
            var expected = Fixture.tasksA[5]
            // Answers leave out what only export needs (tags).
            expected.tags = []
            expected.children = expected.children.sorted(by: JobRecord.childOrder)
            #expect(job == expected)
            #expect(job.children.map(\.id) == ["a06-c2", "a06-c1"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func projects(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            #expect(try await !store.projectExists(Fixture.projectA))
            try await store.createProject(id: Fixture.projectA, name: "A")
            #expect(try await store.projectExists(Fixture.projectA))
            await #expect(throws: StoreError.projectExists(Fixture.projectA)) {
                try await store.createProject(id: Fixture.projectA, name: "again")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tokenSecretIsCreatedOnceAndKept(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            let first = try await store.tokenSecret()
            #expect(first.count == 32)
            #expect(try await store.tokenSecret() == first)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func importReplacesTasksOfTheSameProjectWithTheirChildren(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            var replacement = Fixture.tasksA[5]
            replacement.name = "renamed"
            replacement.status = .configuration
            replacement.children = [Fixture.job("a06-c3", "new child", .sync, .postgresql, .childTransferStarted, "2021-01-01 02:00:00")]
            try await store.importJobs([replacement], project: Fixture.projectA)
            let page = try await Self.answer(store, #"{"db_use_type":"sync","engine_type":"postgresql"}"#, project: Fixture.projectA)
            #expect(page.total == 1)
            #expect(page.jobs.first?.name == "renamed")
            #expect(page.jobs.first?.children.map(\.id) == ["a06-c3"])
            // The old name no longer matches; the new one does.
            #expect(try await Self.answer(store, #"{"db_use_type":"sync","engine_type":"","name":"größe"}"#, project: Fixture.projectA).total == 0)
            #expect(try await Self.answer(store, #"{"db_use_type":"sync","engine_type":"","name":"renamed"}"#, project: Fixture.projectA).total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func importIsAllOrNothing(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            let fresh = Fixture.job("a99", "fresh", .sync, .mysql, .configuration, "2022-01-01 00:00:00")
            var stolen = Fixture.tasksB[0]
            stolen.name = "stolen"
            await #expect(throws: StoreError.idInOtherProject(path: "jobs[1].id", id: "b01")) {
                try await store.importJobs([fresh, stolen], project: Fixture.projectA)
            }
            var child = Fixture.tasksA[0]
            child.children = [Fixture.tasksB[0]]
            await #expect(throws: StoreError.idInOtherProject(path: "jobs[1].children[0].id", id: "b01")) {
                try await store.importJobs([fresh, child], project: Fixture.projectA)
            }
            // Nothing of either attempt was written, and project B is untouched.
            let fresh99 = try await Self.answer(store, #"{"db_use_type":"sync","name":"a99"}"#, project: Fixture.projectA)
            #expect(fresh99.total == 0)
            let pageA = try await Self.answer(store, #"{"db_use_type":"sync"}"#, project: Fixture.projectA)
            #expect(pageA.jobs.map(\.id) == ["a07", "a01", "a02"])
            let pageB = try await Self.answer(store, #"{"db_use_type":"sync"}"#, project: Fixture.projectB)
            #expect(pageB.jobs.first?.name == "DRS_1 other")
            await #expect(throws: StoreError.projectNotFound(String(repeating: "c", count: 32))) {
                try await store.importJobs([fresh], project: String(repeating: "c", count: 32))
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func exportThenImportReproducesTheSameAnswers(kind: StoreKind) async throws {
        let exported = try await Self.withFixture(kind) { store in
            var records: [JobRecord] = []
            try await store.exportJobs(project: Fixture.projectA, batchSize: 2) { records += $0 }
            return records
        }
        // Everything comes back, DELETED included, with tags, instances and children.
        #expect(exported.count == Fixture.tasksA.count)
        let byID = Dictionary(uniqueKeysWithValues: exported.map { ($0.id, $0) })
        for original in Fixture.tasksA {
            var expected = original
            expected.children.sort(by: JobRecord.childOrder)
            #expect(byID[original.id] == expected)
        }
        #expect(exported.map(\.id) == exported.sorted(by: JobRecord.listOrder).map(\.id))

        let original = try await Self.withFixture(kind) { store in
            try await Self.allAnswers(store, project: Fixture.projectA)
        }
        let reimported = try await kind.withFreshStore { store in
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.importJobs(exported, project: Fixture.projectA)
            return try await Self.allAnswers(store, project: Fixture.projectA)
        }
        #expect(original == reimported)
    }

    static func allAnswers(_ store: any Store, project: String) async throws -> [JobPage] {
        var pages: [JobPage] = []
        for expectation in Fixture.expectations { pages.append(try await answer(store, expectation.body, project: project)) }
        return pages
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentReadersAndAWriter(kind: StoreKind) async throws {
        try await Self.withFixture(kind) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        if index == 10 {
                            try await store.importJobs(
                                [Fixture.job("a50", "late", .migration, .mysql, .configuration, "2020-01-01 00:00:00")],
                                project: Fixture.projectA
                            )
                        } else {
                            let page = try await Self.answer(store, #"{"db_use_type":"sync"}"#, project: Fixture.projectA)
                            #expect(page.jobs.map(\.id) == ["a07", "a01", "a02"])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.answer(store, #"{"db_use_type":"migration"}"#, project: Fixture.projectA).total == 2)
        }
    }
}
