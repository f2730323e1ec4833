import DRSDomain
import DRSStorage
import DRSTestSupport
import Testing

/// Imports of large documents written while they are parsed (``JobImportBatches``), on every store: the same tasks
/// as the whole document, replacements across batches, and nothing written when anything is wrong.
@Suite struct BatchedImportTests {
    static func batches(_ bytes: [UInt8]) throws -> JobImportBatches {
        let made = JobImportBatches(bytes, now: 0, makeID: { "generated" })
        return try #require(made)
    }

    static func exported(_ store: any Store, _ project: String) async throws -> [String: JobRecord] {
        var records: [String: JobRecord] = [:]
        try await store.exportJobs(project: project, batchSize: 500) { batch in
            for record in batch { records[record.id] = record }
        }
        return records
    }

    static let queries = [
        #"{"db_use_type":"sync","engine_type":""}"#, #"{"db_use_type":"sync","status":"CONFIGURATION","per_page":5,"cur_page":7}"#,
        #"{"db_use_type":"sync","name":"seven"}"#, #"{"db_use_type":"sync","tags":{"env":"prod"},"instance_ip":"10.1.7.8"}"#,
        #"{"db_use_type":"sync","instance_ids":["src-7"],"per_page":100}"#,
    ]

    static func answers(_ store: any Store, _ project: String) async throws -> [JobPage] {
        var pages: [JobPage] = []
        for body in queries { pages.append(try await TaskStoreContractTests.answer(store, body, project: project)) }
        return pages
    }

    @Test(arguments: StoreKind.allCases)
    func batchesWriteWhatTheWholeDocumentWrites(kind: StoreKind) async throws {
        let bytes = ImportDocuments.large()
        let (batched, batchedAnswers) = try await TaskStoreContractTests.withFixture(kind) { store in
            try await store.importJobs(try Self.batches(bytes), project: Fixture.projectA, progress: nil)
            return (try await Self.exported(store, Fixture.projectA), try await Self.answers(store, Fixture.projectA))
        }
        let (whole, wholeAnswers) = try await TaskStoreContractTests.withFixture(kind) { store in
            try await store.importJobs(try JobImport.parse(bytes, now: 0), project: Fixture.projectA)
            return (try await Self.exported(store, Fixture.projectA), try await Self.answers(store, Fixture.projectA))
        }
        #expect(batched.count == 2_500 + Fixture.tasksA.count)
        #expect(batched == whole)
        #expect(batchedAnswers == wholeAnswers)
        #expect(batchedAnswers[0].total > 2_500 && batchedAnswers[2].total == 358)
    }

    @Test(arguments: StoreKind.allCases)
    func aRecordReplacesTheTaskOfItsIDInAnyBatch(kind: StoreKind) async throws {
        try await TaskStoreContractTests.withFixture(kind) { store in
            // Read from its end, the document's first records come in its last batch.
            try await store.importJobs(try Self.batches(ImportDocuments.large(replacing: ["a06", "a01"])), project: Fixture.projectA, progress: nil)
            let records = try await Self.exported(store, Fixture.projectA)
            #expect(records["a06"]?.name == "bulk-0-seven")
            #expect(records["a01"]?.name == "bulk-1-other")
            #expect(records["a06"]?.children.map(\.id) == ["a06-c"])
            #expect(records.count == 2_500 + Fixture.tasksA.count - 2)
            let sync = try await TaskStoreContractTests.answer(store, #"{"db_use_type":"sync","engine_type":""}"#, project: Fixture.projectA)
            #expect(sync.total == records.values.filter { $0.dbUseType == .sync && $0.status != .deleted }.count)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func nothingIsWrittenWhenAnythingIsWrong(kind: StoreKind) async throws {
        try await TaskStoreContractTests.withFixture(kind) { store in
            let before = try await TaskStoreContractTests.allAnswers(store, project: Fixture.projectA)
            let exportedBefore = try await Self.exported(store, Fixture.projectA)
            // A problem in one of the document's first records, read last; a duplicate; an ID of another project.
            for bytes in [ImportDocuments.large(broken: 5), ImportDocuments.large(duplicate: 2_000)] {
                await #expect(throws: JobImportBatches.Refused.self) {
                    try await store.importJobs(try Self.batches(bytes), project: Fixture.projectA, progress: nil)
                }
            }
            await #expect(throws: StoreError.self) {
                try await store.importJobs(try Self.batches(ImportDocuments.large(replacing: ["b01"])), project: Fixture.projectA, progress: nil)
            }
            #expect(try await TaskStoreContractTests.allAnswers(store, project: Fixture.projectA) == before)
            #expect(try await Self.exported(store, Fixture.projectA) == exportedBefore)
            #expect(try await TaskStoreContractTests.answer(store, #"{"db_use_type":"sync","name":"bulk"}"#, project: Fixture.projectA).total == 0)
            #expect(try await Self.exported(store, Fixture.projectB).count == Fixture.tasksB.count)
        }
    }
}
