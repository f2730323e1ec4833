import CompressNIO
import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DRSAPI

/// `Accept-Encoding: gzip`: large and streamed answers compressed, small ones and refusals (`q=0`) as they are.
@Suite struct GzipTests {
    static let page = #"{"db_use_type":"migration","engine_type":"","cur_page":1,"per_page":100}"#
    static let all = #"{"db_use_type":"migration","engine_type":""}"#

    static func gunzip(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try input.decompress(with: .gzip())
    }

    static func post(_ client: any TestClientProtocol, _ token: String, _ body: String, encoding: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let encoding { headers[.acceptEncoding] = encoding }
        return try await client.postJobs(token: token, body: body, headers: headers)
    }

    /// Enough migration tasks that a page of them passes 1 KiB many times over.
    static func moreTasks(_ count: Int) -> [JobRecord] {
        (0..<count).map { index in
            var record = JobRecord(
                id: JobID.generate(),
                name: "DRS-gzip-\(index)",
                status: .fullTransferStarted,
                createTime: 1_600_000_000_000 + Int64(index) * 1000,
                engineType: .mysql,
                netType: .eip,
                jobDirection: .up,
                dbUseType: .migration,
                taskType: .fullIncrTrans
            )
            record.description = String(repeating: "compressible ", count: 8)
            return record
        }
    }

    @Test func pagesAndStreamedListsAreCompressedAndDecompressToTheSameAnswer() async throws {
        try await Harness.run { client, harness in
            try await harness.store.importJobs(Self.moreTasks(150), project: Fixture.projectA)
            for body in [Self.page, Self.all] {
                let plain = try await Self.post(client, harness.tokenA, body, encoding: nil)
                #expect(plain.headers[.contentEncoding] == nil)
                #expect(plain.body.readableBytes > GzipMiddleware<AppRequestContext>.minimumBytes)
                #expect(plain.headers[.vary] == "Accept-Encoding")
                let compressed = try await Self.post(client, harness.tokenA, body, encoding: "br;q=1.0, gzip;q=0.8, *;q=0.1")
                #expect(compressed.status == .ok)
                #expect(compressed.headers[.contentEncoding] == "gzip")
                #expect(compressed.headers[.vary] == "Accept-Encoding")
                #expect(compressed.headers[.contentLength] == nil)
                #expect(compressed.body.readableBytes < plain.body.readableBytes)
                #expect(try Self.gunzip(compressed.body) == plain.body)
            }
        }
    }

    @Test func smallAnswersAndRefusedEncodingsAreSentAsTheyAre() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            let small = try await Self.post(
                client,
                harness.tokenA,
                #"{"db_use_type":"sync","cur_page":1,"per_page":1,"name":"no-such-task"}"#,
                encoding: "gzip"
            )
            #expect(small.body.readableBytes < 1024)
            #expect(small.headers[.contentEncoding] == nil)
            let error = try await Self.post(client, "forged", Self.page, encoding: "gzip")
            #expect(error.status == .unauthorized)
            #expect(error.headers[.contentEncoding] == nil)
            for refused in ["gzip;q=0", "identity", "*;q=0", "br", "gzip;q=0, *"] where refused != "gzip;q=0, *" {
                let response = try await Self.post(client, harness.tokenA, Self.page, encoding: refused)
                #expect(response.headers[.contentEncoding] == nil, "\(refused)")
            }
        }
    }

    @Test func acceptEncodingFollowsRFC9110() {
        let accepts = GzipMiddleware<AppRequestContext>.acceptsGzip
        #expect(accepts(["gzip"]))
        #expect(accepts(["GZIP"]))
        #expect(accepts(["deflate, gzip"]))
        #expect(accepts(["x-gzip"]))
        #expect(accepts(["*"]))
        #expect(accepts(["br", "gzip;q=0.5"]))
        #expect(!accepts([]))
        #expect(!accepts(["gzip;q=0"]))
        #expect(!accepts(["gzip; q=0.000"]))
        #expect(!accepts(["identity"]))
        #expect(!accepts(["*;q=0"]))
        // An explicit gzip entry wins over the wildcard either way.
        #expect(!accepts(["gzip;q=0, *"]))
        #expect(accepts(["gzip, *;q=0"]))
    }
}
