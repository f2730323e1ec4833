import DRSDomain
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DRSAPI

/// A string holding U+0000 anywhere in a request is refused whole, the same way on both databases (PostgreSQL cannot
/// store or compare it); found by schemathesis, where PostgreSQL answered 500.
@Suite struct NULStringTests {
    @Test func everyRequestWithAnEscapedNULIsRefusedWhole() async throws {
        try await Harness.run { client, harness in
            let before = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","engine_type":""}"#).text
            let requests: [(String, HTTPRequest.Method, String)] = [
                ("", .post, #"{"db_use_type":"migration","name":"a\u0000b"}"#),
                ("/batch-status", .post, #"{"jobs":["a\u0000b"]}"#),
                ("/batch-creation", .post, #"{"jobs":[{"name":"DRS-nul","description":"x\u0000"}]}"#),
                ("/batch-modification", .put, #"{"jobs":[{"job_id":"x","description":"\u0000"}]}"#),
            ]
            for (path, method, body) in requests {
                let response = try await client.execute(
                    uri: "/v3/\(Fixture.projectA)/jobs\(path)",
                    method: method,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                    body: ByteBuffer(string: body)
                )
                try ErrorAPITests.expectError(response, .badRequest, "DRS.M00007", "Invalid request parameter.")
            }
            // An escaped backslash followed by "u0000" is text, not a NUL.
            let text = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","name":"\\u0000"}"#)
            #expect(text.status == .ok)
            let identity = try await client.execute(
                uri: "/v3/auth/tokens",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(
                    string:
                        #"{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"a\u0000","password":"p","domain":{"name":"d"}}}},"scope":{"project":{"id":"x"}}}}"#
                )
            )
            try ErrorAPITests.expectError(identity, .badRequest, "DRS.M00007", "Invalid request parameter.")
            let after = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","engine_type":""}"#).text
            #expect(before == after)
        }
    }

    @Test func instanceAddressesUseHexDigitsOnly() {
        #expect(LifecycleJSON.hexPairs("-a-not-hex") == (0, 0))
        #expect(LifecycleJSON.hexPairs("+1+2") == (0, 0))
        #expect(LifecycleJSON.hexPairs("0aFf-rest") == (10, 255))
        #expect(LifecycleJSON.hexPairs("7") == (0, 0))
    }
}
