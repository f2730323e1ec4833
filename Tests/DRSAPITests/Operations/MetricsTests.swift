import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import DRSAPI

/// `GET /metrics`: requests by route, method and status, durations by route, the pool, statements and imports.
@Suite struct MetricsTests {
    /// The value of the sample whose name and labels are exactly `series`, or nil.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    static let body = #"{"db_use_type":"migration","engine_type":""}"#

    @Test func requestsThePoolStatementsAndImportsAreCounted() async throws {
        let metrics: @Sendable () -> DRSMetrics? = { DRSMetrics() }
        try await Harness.run(metrics: metrics) { client, harness in
            _ = try await client.postJobs(token: harness.tokenA, body: Self.body)
            _ = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync","cur_page":1,"per_page":5}"#)
            _ = try await client.postJobs(token: nil, body: Self.body)
            _ = try await client.execute(uri: "/no/such/route", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = response.text
            let route = #"route="/v3/{project_id}/jobs",method="POST""#
            #expect(Self.sample(text, #"drs_http_requests_total{\#(route),status="200"}"#) == 2)
            #expect(Self.sample(text, #"drs_http_requests_total{\#(route),status="401"}"#) == 1)
            #expect(Self.sample(text, #"drs_http_requests_total{route="NotFound",method="GET",status="404"}"#) == 1)
            #expect(Self.sample(text, #"drs_http_request_duration_seconds_count{\#(route)}"#) == 3)
            #expect(Self.sample(text, #"drs_http_request_duration_seconds_bucket{\#(route),le="+Inf"}"#) == 3)
            #expect(Self.sample(text, "drs_db_pool_size") == (harness.kind == .sqlite ? 8 : 16))
            #expect(Self.sample(text, "drs_db_pool_in_use") != nil)
            #expect(Self.sample(text, "drs_db_pool_waiting") != nil)
            #expect((Self.sample(text, "drs_db_pool_acquires_total") ?? 0) > 0)
            #expect(Self.sample(text, "drs_db_pool_wait_seconds_total") != nil)
            #expect((Self.sample(text, "drs_db_statements_total") ?? 0) > 0)
            let imported = (Fixture.tasksA + Fixture.tasksB).reduce(0) { $0 + 1 + $1.children.count }
            #expect(Self.sample(text, "drs_tasks_imported_total") == Double(imported))
            // Counters only grow: a second scrape counts the first.
            let again = try await client.execute(uri: "/metrics", method: .get).text
            #expect(Self.sample(again, #"drs_http_requests_total{route="/metrics",method="GET",status="200"}"#) == 1)
            #expect(Self.sample(again, "drs_tasks_imported_total") == Double(imported))
            #expect((Self.sample(again, "drs_db_statements_total") ?? 0) >= (Self.sample(text, "drs_db_statements_total") ?? 0))
        }
    }

    /// SQLite: the memory the names held for name searches take, and the searches they could not serve.
    @Test func theNamesHeldForNameSearchesAreMeasured() async throws {
        let metrics: @Sendable () -> DRSMetrics? = { DRSMetrics() }
        try await Harness.run(kinds: [.sqlite], metrics: metrics) { client, harness in
            let before = try await client.execute(uri: "/metrics", method: .get).text
            #expect(Self.sample(before, "drs_name_memory_bytes") == 0)
            let search = #"{"db_use_type":"sync","engine_type":"","name":"abc"}"#
            #expect(try await client.postJobs(token: harness.tokenA, body: search).status == .ok)
            let text = try await client.execute(uri: "/metrics", method: .get).text
            #expect((Self.sample(text, "drs_name_memory_bytes") ?? 0) > 0)
            #expect(Self.sample(text, "drs_name_searches_from_fts5_total") == 0)
        }
    }

    /// The project ID never becomes a label: one series per route, however many projects call it.
    @Test func projectsShareTheirRoutesSeries() async throws {
        let metrics: @Sendable () -> DRSMetrics? = { DRSMetrics() }
        try await Harness.run(kinds: [.sqlite], metrics: metrics) { client, harness in
            _ = try await client.postJobs(project: Fixture.projectA, token: harness.tokenA, body: Self.body)
            _ = try await client.postJobs(project: Fixture.projectB, token: harness.tokenB, body: Self.body)
            let text = try await client.execute(uri: "/metrics", method: .get).text
            #expect(!text.contains(Fixture.projectA))
            #expect(!text.contains(Fixture.projectB))
            #expect(Self.sample(text, #"drs_http_requests_total{route="/v3/{project_id}/jobs",method="POST",status="200"}"#) == 2)
        }
    }

    @Test func withoutMetricsThereIsNoMetricsRoute() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, _ in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
