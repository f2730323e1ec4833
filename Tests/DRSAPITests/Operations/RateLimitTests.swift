import DRSDomain
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DRSAPI

/// `--rate-limit N`: a burst of 2N per project, then 429 `APIGW.0308` with `Retry-After` and `request_id`.
@Suite struct RateLimitTests {
    static let body = #"{"db_use_type":"migration","engine_type":""}"#

    @Test func aBucketAdmitsItsBurstThenRefusesWithTheWait() {
        let limiter = RateLimiter(rate: 0.5)
        #expect(limiter.burst == 1)
        #expect(limiter.admit("p") == nil)
        #expect(limiter.admit("p") == 2)
        // Another project has a bucket of its own.
        #expect(limiter.admit("q") == nil)
        let fast = RateLimiter(rate: 1000)
        #expect(fast.burst == 2000)
        #expect((0..<2000).allSatisfy { _ in fast.admit("p") == nil })
    }

    @Test func overTheLimitAProjectGets429InBothLanguagesAndOthersDoNot() async throws {
        // A bucket that refills in 100 s (a burst of one request), so that a slow machine cannot refill it during the test.
        var limits = APILimits()
        limits.rateLimit = 0.01
        try await Harness.run(limits: limits) { client, harness in
            // Requests without valid credentials do not spend the project's budget.
            for _ in 0..<5 {
                let response = try await client.postJobs(token: "forged", body: Self.body)
                #expect(response.status == .unauthorized)
            }
            #expect(try await client.postJobs(token: harness.tokenA, body: Self.body).status == .ok)
            let refused = try await client.postJobs(token: harness.tokenA, body: Self.body)
            try ErrorAPITests.expectError(refused, .tooManyRequests, "APIGW.0308", "The throttling threshold has been reached.")
            let wait = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((90...100).contains(wait))
            let chinese = try await client.postJobs(token: harness.tokenA, body: Self.body, headers: [HTTPField.Name("X-Language")!: "zh-cn"])
            try ErrorAPITests.expectError(chinese, .tooManyRequests, "APIGW.0308", "已达到流控阈值。")
            // The lifecycle endpoints share the front door, and the budget.
            let status = try await client.execute(
                uri: "/v3/\(Fixture.projectA)/jobs/batch-status",
                method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                body: ByteBuffer(string: #"{"jobs":["x"]}"#)
            )
            #expect(status.status == .tooManyRequests)
            // Project B's budget is its own.
            #expect(try await client.postJobs(project: Fixture.projectB, token: harness.tokenB, body: Self.body).status == .ok)
        }
    }

    @Test func withoutALimitNothingIsRefused() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            for _ in 0..<50 {
                let response = try await client.postJobs(token: harness.tokenA, body: Self.body)
                #expect(response.status == .ok)
            }
        }
    }
}
