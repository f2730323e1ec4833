import DRSDomain
import DRSSQLite
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DRSAPI
@testable import DRSStorage

/// Headers, credentials, project checks and every error answer, over HTTP.
@Suite struct ErrorAPITests {
    /// Checks an error answer: status, code, message, `X-Request-Id`, and `request_id` for gateway errors.
    static func expectError(
        _ response: TestResponse,
        _ status: HTTPResponse.Status,
        _ code: String,
        _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        let json = try response.json()
        #expect(json["error_code"] as? String == code, sourceLocation: sourceLocation)
        #expect(json["error_msg"] as? String == message, sourceLocation: sourceLocation)
        let requestID = try #require(response.requestID, sourceLocation: sourceLocation)
        if code.hasPrefix("APIGW.") {
            #expect(json["request_id"] as? String == requestID, sourceLocation: sourceLocation)
        } else {
            #expect(json["request_id"] == nil, sourceLocation: sourceLocation)
        }
    }

    static let body = #"{"db_use_type":"sync"}"#

    @Test func missingToken() async throws {
        try await Harness.run { client, _ in
            let response = try await client.postJobs(token: nil, body: Self.body)
            try Self.expectError(response, .unauthorized, "APIGW.0301", "Incorrect IAM authentication information: x-auth-token not found")
        }
    }

    @Test func undecodableOrForgedTokens() async throws {
        try await Harness.run { client, harness in
            let forged = Harness.token(Fixture.projectA, secret: ProjectToken.makeSecret())
            let unknownProject = Harness.token(String(repeating: "c", count: 32), secret: harness.secret)
            var tampered = Array(harness.tokenA)
            tampered[10] = tampered[10] == "A" ? "B" : "A"
            for token in ["garbage", forged, unknownProject, String(tampered), harness.tokenA + "x"] {
                let response = try await client.postJobs(token: token, body: Self.body)
                try Self.expectError(response, .unauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
            }
        }
    }

    @Test func expiredToken() async throws {
        try await Harness.run { client, harness in
            let expired = Harness.token(Fixture.projectA, secret: harness.secret, expiresIn: -1)
            let response = try await client.postJobs(token: expired, body: Self.body)
            try Self.expectError(response, .unauthorized, "APIGW.0307", "The token must be updated.")
        }
    }

    /// A token the server has already accepted expires all the same.
    @Test func anAcceptedTokenStillExpires() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let now = clock.now
            let token = ProjectToken(projectID: Fixture.projectA, issuedAt: now, expiresAt: now + 60).encoded(secret: harness.secret)
            #expect(try await client.postJobs(token: token, body: Self.body).status == .ok)
            clock.advance(61)
            let response = try await client.postJobs(token: token, body: Self.body)
            try Self.expectError(response, .unauthorized, "APIGW.0307", "The token must be updated.")
        }
    }

    @Test func projectIDChecksGiveOneAnswer() async throws {
        try await Harness.run { client, harness in
            // Another tenant's project, an unknown one, and malformed IDs: the same 403.
            for project in [
                Fixture.projectB, String(repeating: "c", count: 32), Fixture.projectA.uppercased(), "054ba152", Fixture.projectA + "0",
            ] {
                let response = try await client.postJobs(project: project, token: harness.tokenA, body: Self.body)
                try Self.expectError(response, .forbidden, "DRS.M00261", "Invalid project ID.")
            }
            let zh = try await client.postJobs(
                project: Fixture.projectB,
                token: harness.tokenA,
                body: Self.body,
                headers: [HTTPField.Name("X-Language")!: "zh-cn"]
            )
            try Self.expectError(zh, .forbidden, "DRS.M00261", "项目ID无效。")
        }
    }

    @Test func tenantsAreWallsOverHTTP() async throws {
        try await Harness.run { client, harness in
            for body in [
                #"{"db_use_type":"sync","engine_type":"","name":"b01"}"#, #"{"db_use_type":"sync","engine_type":"","name":"DRS_1 other"}"#,
                #"{"db_use_type":"sync","engine_type":"","name":"a01,b01"}"#,
                #"{"db_use_type":"sync","engine_type":"","instance_ip":"10.0.0.1"}"#,
                #"{"db_use_type":"sync","engine_type":"","cur_page":0}"#,
            ] {
                let fromA = try await client.postJobs(token: harness.tokenA, body: body)
                #expect(try !fromA.jobIDs().contains("b01"), "\(body)")
                let fromB = try await client.postJobs(project: Fixture.projectB, token: harness.tokenB, body: body)
                #expect(try fromB.jobIDs().allSatisfy { $0 == "b01" }, "\(body)")
            }
            let countB = try await client.postJobs(project: Fixture.projectB, token: harness.tokenB, body: #"{"db_use_type":"sync"}"#)
            #expect(try countB.json()["total_record"] as? Int == 1)
        }
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "json"])
    func wrongContentType(contentType: String?) async throws {
        try await Harness.run { client, harness in
            var headers: HTTPFields = [HTTPField.Name("X-Auth-Token")!: harness.tokenA]
            if let contentType { headers[.contentType] = contentType }
            let response = try await client.execute(
                uri: "/v3/\(Fixture.projectA)/jobs",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: Self.body)
            )
            try Self.expectError(
                response,
                .unsupportedMediaType,
                "DRS.M00007",
                "Invalid request parameter. Content-Type must be application/json."
            )
        }
    }

    @Test(arguments: ["application/json;charset=utf-8", "Application/JSON", "application/json ; charset=UTF-8"])
    func jsonContentTypesWithParameters(contentType: String) async throws {
        try await Harness.run { client, harness in
            let response = try await client.postJobs(token: harness.tokenA, body: Self.body, headers: [.contentType: contentType])
            #expect(response.status == .ok)
        }
    }

    @Test func unknownPathsAndMethods() async throws {
        try await Harness.run { client, harness in
            let message = "The API does not exist or has not been published in the environment."
            for (uri, method) in [
                ("/", HTTPRequest.Method.get), ("/v3/\(Fixture.projectA)/jobs", .get), ("/v3/\(Fixture.projectA)/jobs", .put),
                ("/v3/\(Fixture.projectA)/jobs", .delete), ("/v3/\(Fixture.projectA)/job", .post), ("/v2/\(Fixture.projectA)/jobs", .post),
                ("/v3/\(Fixture.projectA)/jobs/extra", .post),
            ] {
                let response = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                    body: ByteBuffer(string: Self.body)
                )
                try Self.expectError(response, .notFound, "APIGW.0101", message)
            }
        }
    }

    @Test func bodyLargerThanOneMebibyte() async throws {
        try await Harness.run { client, harness in
            let padding = String(repeating: " ", count: 1 << 20)
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync"}"# + padding)
            try Self.expectError(response, .contentTooLarge, "APIGW.0201", "Request entity too large.")
            // Exactly 1 MiB is accepted.
            let exact = #"{"db_use_type":"sync"}"#
            let fits = try await client.postJobs(token: harness.tokenA, body: exact + String(repeating: " ", count: (1 << 20) - exact.utf8.count))
            #expect(fits.status == .ok)
        }
    }

    @Test func validationErrorsInBothLanguages() async throws {
        try await Harness.run { client, harness in
            let cases: [(String, String, String, String)] = [
                ("{", "DRS.M00007", "Invalid request parameter.", "请求参数无效。"),
                (#"{"cur_page":1}"#, "DRS.M00201", "The parameter db_use_type is empty.", "参数db_use_type为空。"),
                (#"{"db_use_type":"x"}"#, "DRS.M00202", "The value of parameter db_use_type is invalid.", "参数db_use_type的值无效。"),
                (
                    #"{"db_use_type":"sync","per_page":0,"cur_page":2}"#, "DRS.M00210",
                    "The value of Page is invalid, cur_page must be 0 or 1 when per_page is 0.", "分页参数的值无效，per_page为0时，cur_page只能为0或1。"
                ),
                (#"{"db_use_type":"sync","tags":{"a":"1","a":"2"}}"#, "DRS.M00269", "The tag key must be unique.", "标签键必须唯一。"),
                (
                    #"{"db_use_type":"sync","tags":{"a":"\#(String(repeating: "v", count: 256))"}}"#, "DRS.M00270",
                    "The tag key or value is too long.", "标签键或值过长。"
                ),
            ]
            for (body, code, en, zh) in cases {
                try Self.expectError(try await client.postJobs(token: harness.tokenA, body: body), .badRequest, code, en)
                for language in ["zh-cn", "ZH-CN"] {
                    let response = try await client.postJobs(
                        token: harness.tokenA,
                        body: body,
                        headers: [HTTPField.Name("X-Language")!: language]
                    )
                    try Self.expectError(response, .badRequest, code, zh)
                }
                let fallback = try await client.postJobs(token: harness.tokenA, body: body, headers: [HTTPField.Name("X-Language")!: "fr-fr"])
                try Self.expectError(fallback, .badRequest, code, en)
            }
        }
    }

    @Test func checksRunInTheDocumentedOrder() async throws {
        try await Harness.run { client, harness in
            // No token beats a wrong project, a wrong Content-Type and a bad body.
            let noToken = try await client.execute(
                uri: "/v3/not-a-project/jobs",
                method: .post,
                headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "x")
            )
            #expect(noToken.status == .unauthorized)
            // A wrong project beats a wrong Content-Type.
            let wrongProject = try await client.execute(
                uri: "/v3/\(Fixture.projectB)/jobs",
                method: .post,
                headers: [.contentType: "text/plain", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                body: ByteBuffer(string: "x")
            )
            #expect(wrongProject.status == .forbidden)
            // A wrong Content-Type beats a bad body.
            let wrongType = try await client.execute(
                uri: "/v3/\(Fixture.projectA)/jobs",
                method: .post,
                headers: [.contentType: "text/plain", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                body: ByteBuffer(string: "x")
            )
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }

    @Test func everyResponseHasItsOwnRequestID() async throws {
        try await Harness.run { client, harness in
            var ids = Set<String>()
            for token in [harness.tokenA, nil] {
                for _ in 0..<5 {
                    let response = try await client.postJobs(token: token, body: Self.body)
                    ids.insert(try #require(response.requestID))
                }
            }
            #expect(ids.count == 10)
        }
    }

    @Test func unexpectedFailuresSayNothingInternal() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            // Break the schema underneath the running server.
            try SQLiteConnection(path: harness.databasePath!).execute("DROP TABLE task_tags")
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync","tags":{"env":"prod"}}"#)
            try Self.expectError(response, .internalServerError, "DRS.M00004", "Service is abnormal.")
            for leak in ["task_tags", "SQL", "sqlite", "table", "/tmp", "drs.sqlite"] {
                #expect(!response.text.contains(leak), "\(leak)")
            }
        }
    }

    @Test func aRequestCancelledAsTheServerStopsAnswers503() {
        let error = APIError.from(CancellationError())
        #expect(error.httpStatus == 503)
        #expect(error.code == "DRS.M00004")
    }

    @Test func unreachableDatabaseAnswers503ThenRecovers() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            _ = try await client.postJobs(token: harness.tokenA, body: Self.body)
            // Take the database away: idle connections are closed, and new ones cannot open the file.
            let file = URL(fileURLWithPath: harness.databasePath!)
            let folder = file.deletingLastPathComponent()
            let away = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-away")
            harness.sqlite.pool.closeIdleConnections()
            try FileManager.default.moveItem(at: folder, to: away)
            for body in [Self.body, #"{"db_use_type":"sync","cur_page":0}"#] {
                let response = try await client.postJobs(token: harness.tokenA, body: body)
                try Self.expectError(response, .serviceUnavailable, "DRS.M00004", "Service is abnormal.")
                #expect(!response.text.contains(folder.lastPathComponent))
            }
            // Bring it back: the next request is answered, with no restart.
            try FileManager.default.moveItem(at: away, to: folder)
            let response = try await client.postJobs(token: harness.tokenA, body: Self.body)
            #expect(response.status == .ok)
            #expect(try response.jobIDs() == ["a07", "a01", "a02"])
        }
    }
}
