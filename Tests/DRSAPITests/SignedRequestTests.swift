import DRSAPI
import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Requests signed with `SDK-HMAC-SHA256`, as the official SDKs send them.
@Suite struct SignedRequestTests {
    static func sdkDate(_ seconds: Int64) -> String {
        Timestamp.format(secondsSince1970: seconds).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: " ", with: "T") + "Z"
    }

    /// Signs like the SDK: every header but those with `_`, lower-cased and sorted; Host from the authority.
    static func signedPost(
        _ client: any TestClientProtocol,
        credential: Credential,
        secret: String? = nil,
        project: String = Fixture.projectA,
        query: String = "",
        body: String = #"{"db_use_type":"sync"}"#,
        sentBody: String? = nil,
        date: Int64,
        extraHeaders: [String: String] = [:],
        dropFromSigned: String? = nil
    ) async throws -> TestResponse {
        var headers: [String: String] = [
            "content-type": "application/json", "host": "localhost", "x-sdk-date": sdkDate(date), "x-project-id": project,
        ]
        for (key, value) in extraHeaders { headers[key.lowercased()] = value }
        let signed = headers.keys.sorted().filter { $0 != dropFromSigned }
        let path = "/v3/\(project)/jobs"
        let canonical = SDKSignature.canonicalRequest(
            method: "POST",
            path: path,
            query: query,
            signedHeaders: signed,
            header: { headers[$0] },
            payloadHash: headers["x-sdk-content-sha256"] ?? SDKSignature.hexSHA256(Array(body.utf8))
        )!
        let signature = SDKSignature.signature(
            secretKey: secret ?? credential.secretKey,
            stringToSign: SDKSignature.stringToSign(date: headers["x-sdk-date"]!, canonicalRequest: canonical)
        )
        var fields = HTTPFields()
        for (key, value) in headers where key != "host" { fields[HTTPField.Name(key)!] = value }
        fields[.authorization] =
            "SDK-HMAC-SHA256 Access=\(credential.accessKey), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
        return try await client.executeRequest(
            uri: path + (query.isEmpty ? "" : "?" + query),
            method: .post,
            headers: fields,
            body: ByteBuffer(string: sentBody ?? body)
        )
    }

    static func expectFailure(_ response: TestResponse, _ detail: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try ErrorAPITests.expectError(
            response,
            .unauthorized,
            "APIGW.0301",
            "Incorrect IAM authentication information: \(detail)",
            sourceLocation: sourceLocation
        )
    }

    @Test func signedRequestsAreAnswered() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let credential = try await harness.store.createCredential(project: Fixture.projectA)
            let response = try await Self.signedPost(client, credential: credential, date: clock.now)
            #expect(response.status == .ok)
            #expect(try response.jobIDs() == ["a07", "a01", "a02"])
            let withQuery = try await Self.signedPost(client, credential: credential, query: "b=2&a=x%20y", date: clock.now)
            #expect(withQuery.status == .ok)
            let skewed = try await Self.signedPost(client, credential: credential, date: clock.now - 14 * 60)
            #expect(skewed.status == .ok)
            let hashed = try await Self.signedPost(
                client,
                credential: credential,
                date: clock.now,
                extraHeaders: ["X-Sdk-Content-Sha256": SDKSignature.hexSHA256(Array(#"{"db_use_type":"sync"}"#.utf8))]
            )
            #expect(hashed.status == .ok)
        }
    }

    @Test func refusals() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let credential = try await harness.store.createCredential(project: Fixture.projectA)
            try Self.expectFailure(
                try await Self.signedPost(client, credential: credential, secret: "WRONG", date: clock.now),
                "verify aksk signature fail"
            )
            try Self.expectFailure(
                try await Self.signedPost(client, credential: credential, sentBody: #"{"db_use_type":"migration"}"#, date: clock.now),
                "verify aksk signature fail"
            )
            try Self.expectFailure(
                try await Self.signedPost(client, credential: credential, date: clock.now, dropFromSigned: "host"),
                "verify aksk signature fail"
            )
            // A declared body hash that is not the body's.
            try Self.expectFailure(
                try await Self.signedPost(
                    client,
                    credential: credential,
                    sentBody: #"{"db_use_type":"migration"}"#,
                    date: clock.now,
                    extraHeaders: ["X-Sdk-Content-Sha256": SDKSignature.hexSHA256(Array(#"{"db_use_type":"sync"}"#.utf8))]
                ),
                "verify aksk signature fail"
            )
            let unknown = Credential(accessKey: "UNKNOWNAK", secretKey: "x", projectID: Fixture.projectA)
            try Self.expectFailure(try await Self.signedPost(client, credential: unknown, date: clock.now), "ak not exist")
            let other = try await harness.store.createCredential(project: Fixture.projectA)
            try Self.expectFailure(try await Self.signedPost(client, credential: other, date: clock.now - 16 * 60), "signature expired")
            try Self.expectFailure(try await Self.signedPost(client, credential: other, date: clock.now + 16 * 60), "signature expired")
        }
    }

    @Test func anotherProjectsKeyOrProjectHeader() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let credentialB = try await harness.store.createCredential(project: Fixture.projectB)
            let response = try await Self.signedPost(client, credential: credentialB, project: Fixture.projectA, date: clock.now)
            try ErrorAPITests.expectError(response, .forbidden, "DRS.M00261", "Invalid project ID.")
            let credentialA = try await harness.store.createCredential(project: Fixture.projectA)
            let mismatch = try await Self.signedPost(
                client,
                credential: credentialA,
                date: clock.now,
                extraHeaders: ["X-Project-Id": Fixture.projectB]
            )
            try ErrorAPITests.expectError(mismatch, .forbidden, "DRS.M00261", "Invalid project ID.")
        }
    }

    @Test func fiveFailuresLockTheKeyForFiveMinutes() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let credential = try await harness.store.createCredential(project: Fixture.projectA)
            for _ in 0..<5 {
                _ = try await Self.signedPost(client, credential: credential, secret: "WRONG", date: clock.now)
            }
            try Self.expectFailure(try await Self.signedPost(client, credential: credential, date: clock.now), "verify aksk signature fail")
            clock.advance(290)
            try Self.expectFailure(try await Self.signedPost(client, credential: credential, date: clock.now), "verify aksk signature fail")
            clock.advance(15)
            #expect(try await Self.signedPost(client, credential: credential, date: clock.now).status == .ok)
            // Another key of the same project was never locked.
            let other = try await harness.store.createCredential(project: Fixture.projectA)
            #expect(try await Self.signedPost(client, credential: other, date: clock.now).status == .ok)
        }
    }

    @Test func aSuccessResetsTheFailureCount() async throws {
        let clock = TestClock()
        try await Harness.run(clock: clock) { client, harness in
            let credential = try await harness.store.createCredential(project: Fixture.projectA)
            for _ in 0..<4 { _ = try await Self.signedPost(client, credential: credential, secret: "WRONG", date: clock.now) }
            #expect(try await Self.signedPost(client, credential: credential, date: clock.now).status == .ok)
            for _ in 0..<4 { _ = try await Self.signedPost(client, credential: credential, secret: "WRONG", date: clock.now) }
            #expect(try await Self.signedPost(client, credential: credential, date: clock.now).status == .ok)
        }
    }
}

/// `POST /v3/auth/tokens`.
@Suite struct IdentityAPITests {
    static func login(user: String = "alice", password: String = "s3cret-pass", domain: String = "acme", scope: String) -> String {
        #"{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"\#(user)","password":"\#(password)","domain":{"name":"\#(domain)"}}}},"scope":{"project":\#(scope)}}}"#
    }

    static func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields: HTTPFields = [.contentType: "application/json;charset=UTF-8"]
        for field in headers { fields[field.name] = field.value }
        return try await client.execute(uri: "/v3/auth/tokens", method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    @Test func passwordLoginIssuesAWorkingToken() async throws {
        try await Harness.run { client, harness in
            let id = try await harness.store.createUser(
                domain: "acme",
                name: "alice",
                passwordHash: try PasswordHash.make("s3cret-pass"),
                project: Fixture.projectA
            )
            for scope in [#"{"id":"\#(Fixture.projectA)"}"#, #"{"name":"A"}"#] {
                let response = try await Self.post(
                    client,
                    Self.login(scope: scope),
                    headers: [.authorization: "SDK-HMAC-SHA256 Access=X, SignedHeaders=host, Signature=bad"]
                )
                #expect(response.status == .created)
                let token = try #require(response.headers[HTTPField.Name("X-Subject-Token")!])
                let body = try #require(try response.json()["token"] as? [String: Any])
                #expect((body["project"] as? [String: Any])?["id"] as? String == Fixture.projectA)
                #expect((body["user"] as? [String: Any])?["id"] as? String == id)
                #expect(body["methods"] as? [String] == ["password"])
                #expect((body["expires_at"] as? String)?.hasSuffix("Z") == true)
                let jobs = try await client.postJobs(token: token, body: #"{"db_use_type":"sync"}"#)
                #expect(try jobs.jobIDs() == ["a07", "a01", "a02"])
            }
        }
    }

    @Test func wrongUserOrPasswordGetOneAnswer() async throws {
        try await Harness.run { client, harness in
            _ = try await harness.store.createUser(
                domain: "acme",
                name: "alice",
                passwordHash: try PasswordHash.make("s3cret-pass"),
                project: Fixture.projectA
            )
            let scope = #"{"id":"\#(Fixture.projectA)"}"#
            let message = "Incorrect IAM authentication information: the username or password is wrong."
            for body in [
                Self.login(password: "wrong", scope: scope), Self.login(user: "mallory", scope: scope),
                Self.login(domain: "other", scope: scope), Self.login(scope: #"{"id":"\#(Fixture.projectB)"}"#),
                Self.login(scope: #"{"name":"B"}"#),
            ] {
                try ErrorAPITests.expectError(try await Self.post(client, body), .unauthorized, "APIGW.0301", message)
            }
            let malformed = try await Self.post(client, #"{"auth":{}}"#)
            try ErrorAPITests.expectError(malformed, .badRequest, "DRS.M00007", "Invalid request parameter.")
        }
    }
}
