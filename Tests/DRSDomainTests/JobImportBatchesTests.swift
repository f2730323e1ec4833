import DRSTestSupport
import Testing

@testable import DRSDomain

/// A large document parsed in batches while they are written (``JobImportBatches``): the records of the whole
/// document, newest first, and the end of the batches at the first problem.
@Suite struct JobImportBatchesTests {
    static func drain(_ batches: JobImportBatches) throws -> [[JobRecord]] {
        var all: [[JobRecord]] = []
        while let batch = try batches.next() { all.append(batch) }
        return all
    }

    @Test(arguments: [true, false])
    func theBatchesHoldTheWholeDocumentNewestFirst(ascending: Bool) throws {
        let bytes = ImportDocuments.large(ascending: ascending)
        let whole = try JobImport.parseWhole(bytes, now: 0, makeID: { "x" })
        let made = JobImportBatches(bytes, now: 0, makeID: { "x" })
        let batches = try #require(made)
        #expect(batches.count == whole.count)
        let parts = try Self.drain(batches)
        // A small first batch, then full ones.
        #expect(parts.map(\.count) == [250, 2_000, 250])
        let records = parts.flatMap { $0 }
        // A document written oldest first is read from its end: the records come newest first either way.
        #expect(records == (ascending ? Array(whole.reversed()) : whole))
        #expect(records.map(\.createTime) == records.map(\.createTime).sorted(by: >))
        #expect(try batches.next() == nil)
    }

    @Test func anAsyncReaderGetsTheSameBatchesWithoutHoldingAThread() async throws {
        let bytes = ImportDocuments.large()
        let whole = try JobImport.parseWhole(bytes, now: 0, makeID: { "x" })
        let made = JobImportBatches(bytes, now: 0, makeID: { "x" })
        let batches = try #require(made)
        #expect(try await batches.all() == Array(whole.reversed()))
        #expect(try await batches.nextWhenReady() == nil)
        let broken = JobImportBatches(ImportDocuments.large(broken: 3), now: 0, makeID: { "x" })
        await #expect(throws: JobImportBatches.Refused.self) { _ = try await broken?.all() }
    }

    @Test func theFirstProblemEndsTheBatches() throws {
        for bytes in [ImportDocuments.large(broken: 100), ImportDocuments.large(broken: 2_499), ImportDocuments.large(duplicate: 1_200)] {
            let made = JobImportBatches(bytes, now: 0, makeID: { "x" })
            let batches = try #require(made)
            #expect(throws: JobImportBatches.Refused.self) { _ = try Self.drain(batches) }
            // The whole document names the problem.
            #expect(throws: ImportError.self) { try JobImport.parse(bytes, now: 0) }
        }
    }

    @Test func smallOrOddDocumentsAreParsedWhole() {
        #expect(JobImportBatches(Array(#"{"jobs":[]}"#.utf8), now: 0) == nil)
        #expect(JobImportBatches(Array(ImportDocuments.large(10)), now: 0) == nil)
        var notAnObject = ImportDocuments.large()
        notAnObject[0] = UInt8(ascii: "[")
        #expect(JobImportBatches(notAnObject, now: 0) == nil)
    }
}
