import DRSAPI
import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct QueryAPITests {
    @Test func answersAPageWithHeadersAndTheDocumentedShape() async throws {
        try await Harness.run { client, harness in
            let response = try await client.postJobs(
                token: harness.tokenA,
                body: #"{"db_use_type":"sync","engine_type":"postgresql"}"#
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let requestID = try #require(response.requestID)
            #expect(requestID.count == 32)
            let json = try response.json()
            #expect(json["total_record"] as? Int == 1)
            let job = try #require((json["jobs"] as? [[String: Any]])?.first)
            #expect(job["error_msg"] as? String == "system error!")
            #expect(job["node_newFramework"] as? Bool == false)
            // Keys in the documented order.
            let text = response.text
            let keys = [
                "\"id\"", "\"name\"", "\"status\"", "\"description\"", "\"create_time\"", "\"error_msg\"", "\"engine_type\"",
                "\"net_type\"", "\"billing_tag\"", "\"job_direction\"", "\"db_use_type\"", "\"task_type\"", "\"children\"",
                "\"node_newFramework\"", "\"job_action\"",
            ]
            var last = text.startIndex
            for key in keys {
                let range = try #require(text.range(of: key, range: last..<text.endIndex), "\(key)")
                last = range.upperBound
            }
            #expect(text.hasPrefix("{\"total_record\":1,\"jobs\":[{\"id\":\"a06\""))
            #expect(text.hasSuffix("]}"))
            // Children: every ChildrenJobInfo key, in order, create_time ascending.
            let children = try #require(job["children"] as? [[String: Any]])
            #expect(children.map { $0["id"] as? String } == ["a06-c2", "a06-c1"])
            #expect(children[0]["error_msg"] as? String == "")
            #expect(children[1]["error_msg"] as? String == "child failed")
            let childText = String(text[text.range(of: "\"children\":[")!.upperBound...])
            var cursor = childText.startIndex
            for key in [
                "billing_tag", "create_time", "db_use_type", "description", "engine_type", "error_msg", "id", "job_direction", "name",
                "net_type", "node_newFramework", "status", "task_type", "job_action",
            ] {
                let range = try #require(childText.range(of: "\"\(key)\":", range: cursor..<childText.endIndex), "\(key)")
                cursor = range.upperBound
            }
            let action = try #require(job["job_action"] as? [String: Any])
            #expect(action["current_action"] == nil)
            #expect((action["available_actions"] as? [String])?.first == "CREATE")
        }
    }

    @Test func errorMessageOnlyWhenTheTaskHasOne() async throws {
        try await Harness.run { client, harness in
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync","name":"a01"}"#)
            let job = try #require((try response.json()["jobs"] as? [[String: Any]])?.first)
            #expect(job["error_msg"] == nil)
            #expect(job["children"] == nil)
            #expect(job["description"] as? String == "")
        }
    }

    @Test func actionsFollowTheMatrixWithOverlays() async throws {
        try await Harness.run { client, harness in
            // a07 is PAUSING and billed yearly/monthly.
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync","name":"a07"}"#)
            let job = try #require((try response.json()["jobs"] as? [[String: Any]])?.first)
            let action = try #require(job["job_action"] as? [String: Any])
            let expected = ActionMatrix.actions(
                for: ActionFacts(status: .pausing, dbUseType: .sync, engineType: .mysql, chargingMode: .period)
            )
            #expect(action["available_actions"] as? [String] == expected.available.map(\.rawValue))
            #expect(action["unavailable_actions"] as? [String] == expected.unavailable.map(\.rawValue))
            #expect((action["available_actions"] as? [String])?.contains("ORDER_INFO") == true)
        }
    }

    @Test func currentActionOnlyWhenAnOperationIsInProgress() async throws {
        try await Harness.run { client, harness in
            var busy = Fixture.job("a40", "switching", .cloudDataGuard, .cloudDataGuardMySQL, .increTransferStarted, "2021-02-01 00:00:00")
            busy.currentAction = .switchOver
            try await harness.store.importJobs([busy], project: Fixture.projectA)
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"cloudDataGuard","engine_type":""}"#)
            let action = try #require((try response.json()["jobs"] as? [[String: Any]])?.first?["job_action"] as? [String: Any])
            #expect(action["current_action"] as? String == "SWITCH_OVER")
            #expect(action["available_actions"] as? [String] == ["CREATE"])
            #expect(response.text.hasSuffix("\"current_action\":\"SWITCH_OVER\"}}]}"))
        }
    }

    @Test func filtersThroughHTTPMatchTheFixture() async throws {
        try await Harness.run { client, harness in
            for expectation in Fixture.expectations {
                let response = try await client.postJobs(token: harness.tokenA, body: expectation.body)
                #expect(response.status == .ok, "\(expectation.body)")
                #expect(try response.jobIDs() == expectation.ids, "\(expectation.body)")
                #expect(try response.json()["total_record"] as? Int == expectation.total ?? expectation.ids.count)
            }
        }
    }

    @Test func streamsEveryTaskAcrossBatches() async throws {
        var limits = APILimits()
        limits.streamBatchSize = 2
        try await Harness.run(limits: limits) { client, harness in
            for body in [#"{"db_use_type":"sync","engine_type":"","cur_page":0}"#, #"{"db_use_type":"sync","engine_type":"","per_page":0}"#] {
                let response = try await client.postJobs(token: harness.tokenA, body: body)
                #expect(response.status == .ok)
                #expect(try response.jobIDs() == ["a07", "a01", "a02", "a04", "a06"])
                #expect(try response.json()["total_record"] as? Int == 5)
                #expect(response.requestID != nil)
            }
            let empty = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"cloudDataGuard","cur_page":0}"#)
            #expect(empty.text == #"{"total_record":0,"jobs":[]}"#)
        }
    }

    @Test func pagePastTheEndKeepsTheTotal() async throws {
        try await Harness.run { client, harness in
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync","engine_type":"","cur_page":99}"#)
            #expect(response.status == .ok)
            #expect(response.text == #"{"total_record":5,"jobs":[]}"#)
        }
    }

    @Test func stablePagesNeverOverlap() async throws {
        try await Harness.run { client, harness in
            var seen: [String] = []
            for page in 1...3 {
                let body = #"{"db_use_type":"sync","engine_type":"","per_page":2,"cur_page":\#(page)}"#
                let first = try await client.postJobs(token: harness.tokenA, body: body).jobIDs()
                let again = try await client.postJobs(token: harness.tokenA, body: body).jobIDs()
                #expect(first == again)
                seen += first
            }
            #expect(seen == ["a07", "a01", "a02", "a04", "a06"])
        }
    }

    @Test func concurrentRequests() async throws {
        try await Harness.run { client, harness in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<30 {
                    group.addTask { try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"sync"}"#).jobIDs() }
                }
                for try await ids in group { #expect(ids == ["a07", "a01", "a02"]) }
            }
        }
    }

    @Test func stringsAreEscaped() async throws {
        try await Harness.run { client, harness in
            var odd = Fixture.job("a30", "quote\" back\\slash\nnew\u{1}line 名前", .migration, .mysql, .configuration, "2021-03-01 00:00:00")
            odd.description = "tab\there"
            try await harness.store.importJobs([odd], project: Fixture.projectA)
            let response = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","name":"a30"}"#)
            let job = try #require((try response.json()["jobs"] as? [[String: Any]])?.first)
            #expect(job["name"] as? String == odd.name)
            #expect(job["description"] as? String == "tab\there")
        }
    }
}
