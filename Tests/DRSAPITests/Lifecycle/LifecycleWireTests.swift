import DRSDomain
import DRSLifecycle
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `lifecycle.md` §2, §6: per endpoint the method, path, success code, envelope, item keys in order and their JSON
/// types, along the SDK walk of §12 (create, test connections, pre-check, start, …) and a DR switchover.
@Suite struct LifecycleWireTests {
    /// Moves the app's lifecycle clock and applies what fell due.
    static func pass(_ milliseconds: Int64, _ harness: Harness) async throws {
        harness.lifeClock.advance(milliseconds)
        try await harness.lifecycle.catchUp()
    }

    static func create(_ client: any TestClientProtocol, _ harness: Harness, _ item: String) async throws -> String {
        let answer = try await client.call(.create, Bodies.create(item), token: harness.tokenA)
        #expect(answer.status.code == 202, "\(answer.text)")
        return try #require(try answer.results.first?["id"]?.stringValue)
    }

    static let detailKeys = [
        "id", "parent_id", "name", "status", "description", "create_time", "task_type", "source_endpoint", "source_sharding", "target_endpoint",
        "net_type", "failed_reason", "inst_info", "actual_start_time", "full_transfer_complete_time", "update_time", "job_direction",
        "db_use_type", "need_restart", "is_target_readonly", "filter_ddl_policy", "speed_limit", "node_num", "object_switch", "master_job_id",
        "full_mode", "replace_definer", "az_code", "vpc_id", "subnet_id", "security_group_id", "multi_write", "support_ip_v6", "inherit_id",
        "gtid", "incre_start_position", "is_multi_az", "az_name", "master_az", "slave_az", "node_role", "object_infos",
        "original_job_direction", "tags", "public_ip_list", "children", "is_open_fast_clean", "job_kernel_direction",
    ]

    @Test func theWalkOfTheSDKExampleOverHTTP() async throws {
        try await Harness.run { client, harness in
            let token = harness.tokenA
            // Create: 202, one CREATING item; create_time a string of epoch milliseconds.
            let created = try await client.call(.create, Bodies.create(Bodies.createItem("DRS-demo-1")), token: token)
            #expect(created.status.code == 202)
            #expect(try created.document.keys == ["results", "count"])
            #expect(try created.document["count"] == .int(1))
            let item = try #require(try created.results.first)
            #expect(item.keys == ["id", "name", "status", "create_time"])
            let id = try #require(item["id"]?.stringValue)
            #expect(id.count == 36 && id.dropLast(3).hasSuffix("jb"))
            #expect(item["status"] == .string("CREATING"))
            #expect(item["create_time"] == .string(String(harness.lifeClock.now)))

            // A name taken (case-insensitively): a failed item with no id.
            let again = try await client.call(.create, Bodies.create(Bodies.createItem("drs-DEMO-1")), token: token)
            #expect(again.status.code == 202)
            #expect(try again.results.first?.keys == ["name", "error_code", "error_msg"])
            #expect(try again.results.first?["error_code"] == .string("DRS.M00277"))

            // Status: CREATING, then CONFIGURATION once the create step is due.
            let status = try await client.call(.status, Bodies.ids(id, "no-such-task"), token: token)
            #expect(status.status.code == 200)
            #expect(try status.results.map(\.keys) == [["id", "status"], ["id", "error_code", "error_message"]])
            try await Self.pass(3_000, harness)
            #expect(try await client.call(.status, Bodies.ids(id), token: token).results.first?["status"] == .string("CONFIGURATION"))

            // Test connection: one item per side.
            let sides = ["so", "ta"].map { side in
                #"{"id":"\#(id)","end_point_type":"\#(side)","net_type":"eip","db_type":"mysql","ip":"192.0.2.10","db_port":3306,"db_user":"root","db_password":"s3cret"}"#
            }
            let tested = try await client.call(.connection, #"{"jobs":["# + sides.joined(separator: ",") + "]}", token: token)
            #expect(tested.status.code == 200)
            #expect(try tested.results.map(\.keys) == [["id", "status", "success"], ["id", "status", "success"]])
            #expect(try tested.results.map { $0["success"] } == [.bool(true), .bool(true)])

            // Pre-check, then its result while running and when done.
            let checked = try await client.call(.precheck, Bodies.items(#"{"job_id":"\#(id)","precheck_mode":"forStartJob"}"#), token: token)
            #expect(checked.status.code == 200)
            #expect(try checked.results.first?.keys == ["id", "status", "precheck_id"])
            #expect(try checked.results.first?["precheck_id"] == .string(id))
            harness.lifeClock.advance(1_500)
            let running = try #require(try await client.call(.precheckResult, Bodies.ids(id), token: token).results.first)
            #expect(running["result"] == .bool(false))
            #expect(running["process"] == .string("50%"))
            #expect(running["total_passed_rate"] == .string("0%"))
            #expect(running["precheck_result"] == .array([]))
            harness.lifeClock.advance(1_500)
            let result = try #require(try await client.call(.precheckResult, Bodies.ids(id), token: token).results.first)
            #expect(result.keys == ["precheck_id", "result", "process", "total_passed_rate", "rds_instance_id", "job_direction", "precheck_result"])
            #expect(result["result"] == .bool(true))
            #expect(result["process"] == .string("100%"))
            #expect(result["total_passed_rate"] == .string("100%"))
            #expect(result["rds_instance_id"] == .string("e05a3679efe241d8b5dee80b17c1a863in01"))
            guard case .array(let checks)? = result["precheck_result"] else { throw LifecycleTestError.noResults("precheck_result") }
            #expect(
                checks.map { $0["item"]?.stringValue ?? "" } == [
                    "dstDbDiskSize", "dbCharacterSetConsistency", "dbClockConsistency", "dbParamConsistency", "dbServerUuidConsistency",
                ]
            )
            #expect(checks.allSatisfy { $0.keys == ["item", "result", "group"] && $0["result"] == .string("PASSED") })

            // Start: 202, then the phases.
            let started = try await client.call(.start, Bodies.items(#"{"job_id":"\#(id)"}"#), token: token)
            #expect(started.status.code == 202)
            #expect(try started.results.first == .object([("id", .string(id)), ("status", .string("success"))]))
            try await Self.pass(3_000 + 15_000, harness)

            let progress = try await client.call(.progress, Bodies.ids(id, "no-such-task"), token: token)
            #expect(progress.status.code == 202)
            #expect(try progress.document.keys == ["count", "results"])
            let half = try #require(try progress.results.first)
            #expect(
                half.keys == [
                    "job_id", "progress", "incre_trans_delay", "incre_trans_delay_millis", "task_mode", "transfer_status", "process_time",
                    "remaining_time", "progress_map", "apply_rows_rate", "apply_bytes_rate",
                ]
            )
            #expect(half["progress"] == .string("50"))
            #expect(half["remaining_time"] == .string("15"))
            #expect(half["transfer_status"] == .string("FULL_TRANSFER_STARTED"))
            #expect(half["incre_trans_delay"] == .string("-1"))
            #expect(half["apply_rows_rate"] == .int(-1))
            #expect(half["progress_map"]?["data"] == .object([("completed", .string("50%"))]))
            #expect(try progress.results.last?.keys == ["job_id", "error_code", "error_msg"])

            try await Self.pass(15_000 + 3_000, harness)
            let detail = try await client.call(.detail, Bodies.ids(id), token: token)
            #expect(detail.status.code == 200)
            #expect(try detail.document.keys == ["count", "results"])
            let task = try #require(try detail.results.first)
            #expect(task.keys == Self.detailKeys)
            #expect(task["status"] == .string("INCRE_TRANSFER_STARTED"))
            #expect(task["parent_id"] == .string(""))
            #expect(task["node_num"] == .int(1))
            #expect(
                task["source_endpoint"]
                    == .object([("db_type", .string("mysql")), ("db_port", .int(3306)), ("db_user", .string("root")), ("ip", .string("192.0.2.10"))])
            )
            let instance = try #require(task["inst_info"])
            #expect(instance.keys == ["engine_type", "inst_type", "ip", "public_ip", "start_time", "status", "volume_size"])
            #expect(instance["volume_size"] == .int(100))
            let hex = Array(id.utf8)
            let first = Int(String(decoding: hex[0..<2], as: UTF8.self), radix: 16)!
            let second = Int(String(decoding: hex[2..<4], as: UTF8.self), radix: 16)!
            #expect(instance["ip"] == .string("192.168.\(first).\(second)"))
            #expect(instance["public_ip"] == .string("203.0.113.\(1 + first % 254)"))
            for key in ["create_time", "actual_start_time", "full_transfer_complete_time", "update_time"] {
                #expect(task[key]?.stringValue.flatMap { Int64($0) } != nil, "\(key)")
            }
            let incremental = try #require(try await client.call(.progress, Bodies.ids(id), token: token).results.first)
            #expect(incremental["progress"] == .string("100"))
            #expect(incremental["incre_trans_delay_millis"] == .string("0"))
            #expect(incremental["apply_bytes_rate"] == .int(0))

            // The query sees it, with the actions of its status.
            let listed = try await client.postJobs(token: token, body: #"{"db_use_type":"migration","name":"\#(id)"}"#)
            #expect(try listed.jobIDs() == [id])

            // Pause (200), resume (200), end (202), delete (202).
            let paused = try await client.call(.pause, Bodies.items(#"{"job_id":"\#(id)","pause_mode":"all"}"#), token: token)
            #expect(paused.status.code == 200)
            try await Self.pass(2_000, harness)
            #expect(try await client.call(.status, Bodies.ids(id), token: token).results.first?["status"] == .string("PAUSING"))
            let resumed = try await client.call(.retry, Bodies.items(#"{"job_id":"\#(id)","is_sync_re_edit":false}"#), token: token)
            #expect(resumed.status.code == 200)
            try await Self.pass(3_000, harness)
            let ended = try await client.call(.delete, Bodies.items(#"{"job_id":"\#(id)","delete_type":"terminate"}"#), token: token)
            #expect(ended.status.code == 202)
            #expect(try ended.results.first == .object([("id", .string(id)), ("status", .string("success"))]))
            try await Self.pass(3_000, harness)
            let deleted = try await client.call(.delete, Bodies.items(#"{"job_id":"\#(id)","delete_type":"delete"}"#), token: token)
            #expect(try deleted.results.first?["status"] == .string("success"))
            #expect(try await client.postJobs(token: token, body: #"{"db_use_type":"migration","name":"\#(id)"}"#).jobIDs().isEmpty)
            #expect(try await client.call(.status, Bodies.ids(id), token: token).results.first?["status"] == .string("DELETED"))
            let refused = try await client.call(.delete, Bodies.items(#"{"job_id":"\#(id)","delete_type":"delete"}"#), token: token)
            #expect(try refused.results.first?.keys == ["id", "status", "error_code", "error_msg"])
            #expect(try refused.results.first?["error_code"] == .string("DRS.M05004"))
        }
    }

    @Test func aDisasterRecoverySwitchover() async throws {
        try await Harness.run { client, harness in
            let token = harness.tokenA
            let id = try await Self.create(client, harness, Bodies.createItem("dr-1", use: "cloudDataGuard", engine: "cloudDataGuard-mysql"))
            try await Self.pass(3_000, harness)
            _ = try await client.call(.precheck, Bodies.items(#"{"job_id":"\#(id)","precheck_mode":"forStartJob"}"#), token: token)
            try await Self.pass(3_000, harness)
            _ = try await client.call(.start, Bodies.items(#"{"job_id":"\#(id)"}"#), token: token)
            try await Self.pass(3_000, harness)
            try await Self.pass(30_000, harness)
            try await Self.pass(3_000, harness)
            let switched = try await client.call(.switchOver, #"{"jobs":["\#(id)"],"is_pause_job":true}"#, token: token)
            #expect(switched.status.code == 202)
            let item = try #require(try switched.results.first)
            #expect(item.keys == ["job_id", "updated_at", "source_db", "target_db", "job_direction", "is_target_readonly"])
            #expect(item["job_direction"] == .string("down"))
            #expect(item["is_target_readonly"] == .bool(true))
            #expect(item["updated_at"]?.stringValue?.count == 20)
            #expect(item["target_db"]?.keys == ["db_type", "db_user", "db_port", "region", "created_at", "updated_at", "ip", "instance_id"])
            // While it runs: the kernel direction is the other one.
            let during = try #require(try await client.call(.detail, Bodies.ids(id), token: token).results.first)
            #expect(during["job_direction"] == .string("up"))
            #expect(during["job_kernel_direction"] == .string("down"))
            try await Self.pass(3_000, harness)
            let after = try #require(try await client.call(.detail, Bodies.ids(id), token: token).results.first)
            #expect(after["status"] == .string("PAUSING"))
            #expect(after["job_direction"] == .string("down"))
            #expect(after["original_job_direction"] == .string("up"))
            // A DR task has no RETRY: a paused one can only be ended.
            let retry = try await client.call(.retry, Bodies.items(#"{"job_id":"\#(id)"}"#), token: token)
            #expect(try retry.results.first?["error_code"] == .string("DRS.M00304"))
            let failed = try await client.call(.switchOver, #"{"jobs":["\#(id)"]}"#, token: token)
            #expect(try failed.results.first?.keys == ["job_id", "error_code", "error_msg"])
        }
    }
}
