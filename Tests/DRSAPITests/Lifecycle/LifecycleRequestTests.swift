import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `lifecycle.md` §1, §3.1, §10: the front door of every endpoint, request-level problems (400, nothing changes),
/// per-item codes in both languages, and the wall between projects.
@Suite struct LifecycleRequestTests {
    /// A request-level problem: endpoint, body, the expected code and English message.
    struct Problem: Sendable, CustomStringConvertible {
        var endpoint: Endpoint
        var body: String
        var code: String
        var message: String
        var description: String { "\(endpoint.rawValue) \(body)" }
    }

    static let task = "a05"  // an imported CONFIGURATION task of project A (migration)

    static let problems: [Problem] = {
        var list: [Problem] = []
        for endpoint in Endpoint.allCases {
            list.append(Problem(endpoint: endpoint, body: "{}", code: "DRS.M00201", message: "The parameter jobs is empty."))
            list.append(Problem(endpoint: endpoint, body: #"{"jobs":null}"#, code: "DRS.M00201", message: "The parameter jobs is empty."))
            list.append(Problem(endpoint: endpoint, body: #"{"jobs":[]}"#, code: "DRS.M00201", message: "The parameter jobs is empty."))
            list.append(Problem(endpoint: endpoint, body: #"{"jobs":"a05"}"#, code: "DRS.M00202", message: "The value of parameter jobs is invalid."))
            let eleven = (0..<11).map { _ in #""a05""# }.joined(separator: ",")
            list.append(
                Problem(endpoint: endpoint, body: #"{"jobs":[\#(eleven)]}"#, code: "DRS.M00202", message: "The value of parameter jobs is invalid.")
            )
            list.append(Problem(endpoint: endpoint, body: "[]", code: "DRS.M00007", message: "Invalid request parameter."))
            list.append(Problem(endpoint: endpoint, body: "{", code: "DRS.M00007", message: "Invalid request parameter."))
        }
        // Task-ID lists: wrong item type, empty item, duplicates.
        for endpoint in [Endpoint.status, .detail, .progress, .precheckResult, .switchOver] {
            list.append(
                Problem(endpoint: endpoint, body: #"{"jobs":["a05",5]}"#, code: "DRS.M00202", message: "The value of parameter jobs[1] is invalid.")
            )
            list.append(Problem(endpoint: endpoint, body: #"{"jobs":[""]}"#, code: "DRS.M00201", message: "The parameter jobs[0] is empty."))
            list.append(
                Problem(endpoint: endpoint, body: #"{"jobs":["a05","a05"]}"#, code: "DRS.M00301", message: "There are duplicate jobs in request.")
            )
            let long = String(repeating: "x", count: 65)
            list.append(
                Problem(
                    endpoint: endpoint,
                    body: #"{"jobs":["\#(long)"]}"#,
                    code: "DRS.M00202",
                    message: "The value of parameter jobs[0] is invalid."
                )
            )
        }
        // Items naming tasks by job_id.
        let items: [(Endpoint, String)] = [
            (.precheck, #""precheck_mode":"forStartJob""#), (.start, ""), (.pause, #""pause_mode":"all""#), (.retry, ""),
            (.delete, #""delete_type":"terminate""#), (.modify, #""name":"x""#),
        ]
        for (endpoint, rest) in items {
            let comma = rest.isEmpty ? "" : ","
            list.append(
                Problem(endpoint: endpoint, body: #"{"jobs":[5]}"#, code: "DRS.M00202", message: "The value of parameter jobs[0] is invalid.")
            )
            list.append(
                Problem(endpoint: endpoint, body: #"{"jobs":[{\#(rest)}]}"#, code: "DRS.M00201", message: "The parameter jobs[0].job_id is empty.")
            )
            list.append(
                Problem(
                    endpoint: endpoint,
                    body: #"{"jobs":[{"job_id":"a05"\#(comma)\#(rest)},{"job_id":"a05"\#(comma)\#(rest)}]}"#,
                    code: "DRS.M00301",
                    message: "There are duplicate jobs in request."
                )
            )
        }
        list += [
            Problem(
                endpoint: .precheck,
                body: #"{"jobs":[{"job_id":"a05"}]}"#,
                code: "DRS.M00201",
                message: "The parameter jobs[0].precheck_mode is empty."
            ),
            Problem(
                endpoint: .precheck,
                body: #"{"jobs":[{"job_id":"a05","precheck_mode":"now"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].precheck_mode is invalid."
            ),
            Problem(
                endpoint: .pause,
                body: #"{"jobs":[{"job_id":"a05","pause_mode":"x"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].pause_mode is invalid."
            ),
            Problem(
                endpoint: .delete,
                body: #"{"jobs":[{"job_id":"a05"}]}"#,
                code: "DRS.M00201",
                message: "The parameter jobs[0].delete_type is empty."
            ),
            Problem(
                endpoint: .start,
                body: #"{"jobs":[{"job_id":"a05","is_only_init_task":true}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].is_only_init_task is invalid."
            ),
            Problem(
                endpoint: .start,
                body: #"{"jobs":[{"job_id":"a05","start_time":"1"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].start_time is invalid."
            ),
            Problem(
                endpoint: .start,
                body: #"{"jobs":[{"job_id":"a05","start_time":"12x"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].start_time is invalid."
            ),
            Problem(
                endpoint: .retry,
                body: #"{"jobs":[{"job_id":"a05","is_sync_re_edit":"yes"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].is_sync_re_edit is invalid."
            ),
            Problem(
                endpoint: .switchOver,
                body: #"{"jobs":["a05"],"is_pause_job":1}"#,
                code: "DRS.M00202",
                message: "The value of parameter is_pause_job is invalid."
            ),
            Problem(
                endpoint: .status,
                body: #"{"jobs":["a05"],"page_req":{"cur_page":2,"per_page":1}}"#,
                code: "DRS.M00210",
                message: "The value of Page is invalid, cur_page exceeds the number of pages."
            ),
            Problem(
                endpoint: .detail,
                body: #"{"jobs":["a05"],"page_req":{"per_page":101}}"#,
                code: "DRS.M00210",
                message: "The value of Page is invalid, per_page must be between 0 and 100."
            ),
            Problem(
                endpoint: .status,
                body: #"{"jobs":["a05"],"pageReq":{"cur_page":-1}}"#,
                code: "DRS.M00210",
                message: "The value of Page is invalid, cur_page must be greater than or equal to 0."
            ),
            Problem(
                endpoint: .status,
                body: #"{"jobs":["a05"],"page_req":{"cur_page":"1"}}"#,
                code: "DRS.M00202",
                message: "The value of parameter page_req.cur_page is invalid."
            ),
            // Modify: values.
            Problem(
                endpoint: .modify,
                body: #"{"jobs":[{"job_id":"a05","name":""}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].name is invalid."
            ),
            Problem(
                endpoint: .modify,
                body: #"{"jobs":[{"job_id":"a05","description":"<b>"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].description is invalid."
            ),
            Problem(
                endpoint: .modify,
                body: #"{"jobs":[{"job_id":"a05","tags":[{"key":"drs-fault","value":"start"}]}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].tags is invalid."
            ),
            Problem(
                endpoint: .modify,
                body: #"{"jobs":[{"job_id":"a05","alarm_notify":{"delay_time":3601}}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].alarm_notify.delay_time is invalid."
            ),
            Problem(
                endpoint: .modify,
                body: #"{"jobs":[{"job_id":"a05","source_endpoint":{"db_port":70000}}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].source_endpoint.db_port is invalid."
            ),
            // Connection.
            Problem(
                endpoint: .connection,
                body: #"{"jobs":[{"id":"a05","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"192.0.2.1","db_user":"u"}]}"#,
                code: "DRS.M00201",
                message: "The parameter jobs[0].db_password is empty."
            ),
            Problem(
                endpoint: .connection,
                body:
                    #"{"jobs":[{"id":"a05","end_point_type":"xx","net_type":"eip","db_type":"mysql","ip":"192.0.2.1","db_user":"u","db_password":"p"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].end_point_type is invalid."
            ),
            Problem(
                endpoint: .connection,
                body:
                    #"{"jobs":[{"id":"a05","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"-bad-","db_user":"u","db_password":"p"}]}"#,
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].ip is invalid."
            ),
            Problem(
                endpoint: .connection,
                body:
                    #"{"jobs":[{"id":"a05","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"db.example","db_user":"u","db_password":"p"},{"id":"a05","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"db.example","db_user":"u","db_password":"p"}]}"#,
                code: "DRS.M00301",
                message: "There are duplicate jobs in request."
            ),
        ]
        // Create: the first problem in document order, one per rule.
        func create(_ item: String) -> String { Bodies.create(item) }
        let good = Bodies.createItem("good one")
        func without(_ key: String) -> String {
            var fields = try! JSONParser.parse(Array(good.utf8)).objectMembers!
            fields.removeAll { $0.key == key }
            return JSONValue.object(fields).text
        }
        func with(_ key: String, _ value: String) -> String {
            var fields = try! JSONParser.parse(Array(good.utf8)).objectMembers!
            fields.removeAll { $0.key == key }
            fields.append((key, try! JSONParser.parse(Array(value.utf8))))
            return JSONValue.object(fields).text
        }
        for key in ["name", "db_use_type", "engine_type", "job_direction", "net_type", "customize_sutnet_id", "source_endpoint", "target_endpoint"] {
            list.append(Problem(endpoint: .create, body: create(without(key)), code: "DRS.M00201", message: "The parameter jobs[0].\(key) is empty."))
        }
        let invalid: [(String, String, String)] = [
            ("name", "\"a\\u0001b\"", "name"), ("name", "\"" + String(repeating: "n", count: 256) + "\"", "name"),
            ("db_use_type", "\"backup\"", "db_use_type"),
            ("engine_type", "\"cloudDataGuard-mysql\"", "engine_type"), ("job_direction", "\"left\"", "job_direction"),
            ("net_type", "\"vpx\"", "net_type"), ("node_type", "\"huge\"", "node_type"), ("task_type", "\"FULL\"", "task_type"),
            ("customize_sutnet_id", "\"" + String(repeating: "s", count: 65) + "\"", "customize_sutnet_id"),
            ("source_endpoint", #"{"db_type":"oracle"}"#, "source_endpoint.db_type"),
            ("source_endpoint", #"{"db_port":0}"#, "source_endpoint.db_port"),
            ("source_endpoint", #"{"db_port":"123456"}"#, "source_endpoint.db_port"),
            ("source_endpoint", #"{"db_name":"a'b"}"#, "source_endpoint.db_name"),
            ("source_endpoint", #"{"safe_mode":2}"#, "source_endpoint.safe_mode"),
            ("source_endpoint", #"{"kafka_security_config":{"type":"TLS"}}"#, "source_endpoint.kafka_security_config.type"),
            ("target_endpoint", #"{"ip":"a..b"}"#, "target_endpoint.ip"), ("bind_eip", "false", "bind_eip"),
            ("description", "\"a&b\"", "description"),
            ("multi_write", "true", "multi_write"), ("node_num", "33", "node_num"), ("node_num", "1.0", "node_num"),
            ("sys_tags", #"[{"key":"other","value":"x"}]"#, "sys_tags"),
            ("product_id", "\"" + String(repeating: "p", count: 65) + "\"", "product_id"),
            ("expired_days", "\"13\"", "expired_days"), ("expired_days", "\"014\"", "expired_days"), ("master_az", "5", "master_az"),
            ("charging_mode", "\"period\"", "charging_mode"), ("period_order", #"{"period_type":3,"period_num":4}"#, "period_order.period_num"),
            ("public_ip_list", #"[{"id":"x","public_ip":"nope","type":"master"}]"#, "public_ip_list[0].public_ip"),
            ("public_ip_list", #"[{"id":"x","public_ip":"192.0.2.1"}]"#, "public_ip_list[0].type"),
            ("is_open_fast_clean", "\"true\"", "is_open_fast_clean"),
            ("tags", #"[{"key":"a b","value":"x"}]"#, "tags"), ("tags", #"[{"key":"drs-fault","value":"never"}]"#, "tags"),
        ]
        for (key, value, field) in invalid {
            let code = field == "public_ip_list[0].type" ? "DRS.M00201" : "DRS.M00202"
            let message = code == "DRS.M00201" ? "The parameter jobs[0].\(field) is empty." : "The value of parameter jobs[0].\(field) is invalid."
            list.append(Problem(endpoint: .create, body: create(with(key, value)), code: code, message: message))
        }
        let manyTags = "[" + (0..<21).map { #"{"key":"k\#($0)","value":"v"}"# }.joined(separator: ",") + "]"
        list += [
            Problem(
                endpoint: .create,
                body: create(with("tags", manyTags)),
                code: "DRS.M00271",
                message: "The maximum number of tags has been reached."
            ),
            Problem(
                endpoint: .create,
                body: create(with("tags", #"[{"key":"\#(String(repeating: "k", count: 37))","value":"v"}]"#)),
                code: "DRS.M00270",
                message: "The tag key or value is too long."
            ),
            Problem(
                endpoint: .create,
                body: create(with("tags", #"[{"key":"k","value":"1"},{"key":"k","value":"2"}]"#)),
                code: "DRS.M00269",
                message: "The tag key must be unique."
            ),
            // DR: region and inst_id of the replicated side.
            Problem(
                endpoint: .create,
                body: create(
                    Bodies.createItem("dr", use: "cloudDataGuard", engine: "cloudDataGuard-mysql").replacingOccurrences(
                        of: #","region":"eu-de""#,
                        with: ""
                    )
                ),
                code: "DRS.M00201",
                message: "The parameter jobs[0].target_endpoint.region is empty."
            ),
            Problem(
                endpoint: .create,
                body: create(Bodies.createItem("dr", use: "cloudDataGuard", engine: "cloudDataGuard-mysql", net: "vpc")),
                code: "DRS.M00202",
                message: "The value of parameter jobs[0].net_type is invalid."
            ),
            // The second item's problem refuses the first one too.
            Problem(
                endpoint: .create,
                body: Bodies.create(Bodies.createItem("first"), without("name")),
                code: "DRS.M00201",
                message: "The parameter jobs[1].name is empty."
            ),
        ]
        return list
    }()

    @Test func requestLevelProblemsAreRefusedWholeAndChangeNothing() async throws {
        try await Harness.run { client, harness in
            let before = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","per_page":100}"#).text
            let history = try await harness.lifecycle.history(id: Self.task, project: Fixture.projectA)
            for problem in Self.problems {
                let answer = try await client.call(problem.endpoint, problem.body, token: harness.tokenA)
                #expect(answer.status.code == (problem.code == "DRS.M00007" ? 400 : 400), "\(problem)")
                let document = try answer.document
                #expect(document.keys == ["error_code", "error_msg"], "\(problem): \(answer.text)")
                #expect(document["error_code"] == .string(problem.code), "\(problem): \(answer.text)")
                #expect(document["error_msg"] == .string(problem.message), "\(problem): \(answer.text)")
            }
            let after = try await client.postJobs(token: harness.tokenA, body: #"{"db_use_type":"migration","per_page":100}"#).text
            #expect(after == before)
            #expect(try await harness.lifecycle.history(id: Self.task, project: Fixture.projectA) == history)
        }
    }

    @Test(arguments: Endpoint.allCases)
    func theFrontDoorOfEveryEndpoint(endpoint: Endpoint) async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            let body = Bodies.ids("a05")
            let noToken = try await client.call(endpoint, body, token: nil)
            #expect(noToken.status.code == 401)
            #expect(try noToken.document["error_code"] == .string("APIGW.0301"))
            #expect(try noToken.document["request_id"]?.stringValue == noToken.requestID)
            let otherProject = try await client.call(endpoint, body, project: Fixture.projectB, token: harness.tokenA)
            #expect(otherProject.status.code == 403)
            #expect(try otherProject.document["error_code"] == .string("DRS.M00261"))
            for contentType in [nil, "text/plain"] {
                let wrongType = try await client.call(endpoint, body, token: harness.tokenA, contentType: contentType)
                #expect(wrongType.status.code == 415)
                #expect(try wrongType.document["error_code"] == .string("DRS.M00007"))
            }
            let noBody = try await client.call(endpoint, nil, token: harness.tokenA)
            #expect(noBody.status.code == 400)
            #expect(try noBody.document["error_code"] == .string("DRS.M00007"))
            let large = try await client.call(endpoint, "{\"x\":\"" + String(repeating: "x", count: 1 << 20) + "\"}", token: harness.tokenA)
            #expect(large.status.code == 413)
            // Another method on the path: 404.
            let other: HTTPRequest.Method = endpoint.method == .post ? .get : .post
            let wrongMethod = try await client.execute(
                uri: "/v3/\(Fixture.projectA)/jobs/\(endpoint.rawValue)",
                method: other,
                headers: [.contentType: "application/json", HTTPField.Name("X-Auth-Token")!: harness.tokenA],
                body: .init(string: body)
            )
            #expect(wrongMethod.status.code == 404)
            #expect(try wrongMethod.document["error_code"] == .string("APIGW.0101"))
            #expect(noToken.requestID != nil && wrongMethod.requestID != nil)
        }
    }

    @Test func itemCodesInBothLanguages() async throws {
        try await Harness.run { client, harness in
            // a03 is DELETED, a07 period-charged PAUSING, a06 CREATE_FAILED with children, project B's task is "not found".
            let idOfB = Fixture.tasksB[0].id
            let cases: [(Endpoint, String, String, String, String)] = [
                (.start, #"{"job_id":"\#(idOfB)"}"#, "DRS.M05003", "Task information not found.", "未找到任务信息。"),
                (.start, #"{"job_id":"a03"}"#, "DRS.M05004", "The task has been deleted or the resource has been released.", "任务已删除或资源已释放。"),
                (
                    .pause, #"{"job_id":"a05","pause_mode":"all"}"#, "DRS.M00304", "This API cannot be called in the current task status.",
                    "当前任务状态下不能调用该接口。"
                ),
                (
                    .start, #"{"job_id":"a05"}"#, "DRS.M00304", "This API cannot be called in the current task status. The pre-check has not passed.",
                    "当前任务状态下不能调用该接口。预检查未通过。"
                ),
                (
                    .delete, #"{"job_id":"a07","delete_type":"terminate"}"#, "DRS.M00304",
                    "This API cannot be called in the current task status. Yearly/monthly tasks cannot be ended or deleted.",
                    "当前任务状态下不能调用该接口。包年/包月任务不能结束或删除。"
                ),
                (
                    .delete, #"{"job_id":"a05","delete_type":"roll_back_upgrade_active_standby"}"#, "DRS.M00304",
                    "This API cannot be called in the current task status. The task is not a primary/standby task.",
                    "当前任务状态下不能调用该接口。该任务不是主备任务。"
                ),
                (
                    .modify, #"{"job_id":"a04","node_type":"small"}"#, "DRS.M00304",
                    "This API cannot be called in the current task status. Only name, description, alarm_notify and tags can be modified in this status.",
                    "当前任务状态下不能调用该接口。当前状态下只能修改name、description、alarm_notify和tags。"
                ),
                (.modify, #"{"job_id":"a05","name":"DRSx1"}"#, "DRS.M00277", "The task name already exists.", "任务名称已存在。"),
                (
                    .modify, #"{"job_id":"a05","engine_type":"cloudDataGuard-mysql"}"#, "DRS.M00202",
                    "The value of parameter jobs[0].engine_type is invalid.",
                    "参数jobs[0].engine_type的值无效。"
                ),
            ]
            for (endpoint, item, code, english, chinese) in cases {
                for (language, message) in [("en-us", english), ("ZH-CN", chinese)] {
                    let answer = try await client.call(endpoint, Bodies.items(item), token: harness.tokenA, language: language)
                    #expect(answer.status.code == endpoint.success, "\(item)")
                    let result = try #require(try answer.results.first)
                    #expect(result["error_code"] == .string(code), "\(item): \(answer.text)")
                    #expect(result["error_msg"] == .string(message), "\(item) \(language): \(answer.text)")
                    #expect(result["status"] == .string("failed"))
                }
            }
            // Reads answer an unknown ID inside 200 (progress: 202) with error_message / error_msg.
            for (endpoint, key) in [
                (Endpoint.status, "error_message"), (.detail, "error_message"), (.progress, "error_msg"), (.precheckResult, "error_msg"),
            ] {
                let answer = try await client.call(endpoint, Bodies.ids(idOfB), token: harness.tokenA, language: "zh-cn")
                #expect(answer.status.code == endpoint.success)
                #expect(try answer.results.first?[key] == .string("未找到任务信息。"))
            }
            let noRun = try await client.call(.precheckResult, Bodies.ids("a05"), token: harness.tokenA)
            #expect(try noRun.results.first?["error_code"] == .string("DRS.M00002"))
            #expect(try noRun.results.first?["error_msg"] == .string("The returned result is empty."))
        }
    }

    @Test func anotherProjectsTasksAreNotFoundEverywhereAndUnchanged() async throws {
        try await Harness.run { client, harness in
            let id = Fixture.tasksB[0].id
            let before = try await harness.lifecycle.snapshots(ids: [id], project: Fixture.projectB)
            let requests: [(Endpoint, String)] = [
                (.status, Bodies.ids(id)), (.detail, Bodies.ids(id)), (.progress, Bodies.ids(id)), (.precheckResult, Bodies.ids(id)),
                (.switchOver, Bodies.ids(id)), (.start, Bodies.items(#"{"job_id":"\#(id)"}"#)), (.retry, Bodies.items(#"{"job_id":"\#(id)"}"#)),
                (.pause, Bodies.items(#"{"job_id":"\#(id)","pause_mode":"all"}"#)),
                (.precheck, Bodies.items(#"{"job_id":"\#(id)","precheck_mode":"forStartJob"}"#)),
                (.delete, Bodies.items(#"{"job_id":"\#(id)","delete_type":"force_terminate"}"#)),
                (.modify, Bodies.items(#"{"job_id":"\#(id)","name":"taken over"}"#)),
                (
                    .connection,
                    Bodies.items(
                        #"{"id":"\#(id)","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"192.0.2.1","db_user":"u","db_password":"p"}"#
                    )
                ),
            ]
            for (endpoint, body) in requests {
                let answer = try await client.call(endpoint, body, token: harness.tokenA)
                #expect(answer.status.code == endpoint.success)
                #expect(try answer.results.first?["error_code"] == .string("DRS.M05003"), "\(endpoint)")
            }
            #expect(try await harness.lifecycle.snapshots(ids: [id], project: Fixture.projectB) == before)
        }
    }
}

extension LifecycleRequestTests {
    /// The codes the other tests check in English, in Chinese.
    @Test func theRestOfTheNewCodesInChinese() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            var busy = Fixture.job("busy-1", "busy", .sync, .mysql, .increTransferStarted, "2021-02-01 00:00:00")
            busy.currentAction = .stopJob
            try await harness.store.importJobs([busy], project: Fixture.projectA)
            let item = try await client.call(
                .pause,
                Bodies.items(#"{"job_id":"busy-1","pause_mode":"all"}"#),
                token: harness.tokenA,
                language: "zh-cn"
            )
            #expect(try item.results.first?["error_code"] == .string("DRS.M01504"))
            #expect(try item.results.first?["error_msg"] == .string("迁移任务正在执行其他操作或迁移任务异常，请稍后重试。"))
            let empty = try await client.call(.precheckResult, Bodies.ids("a05"), token: harness.tokenA, language: "zh-cn")
            #expect(try empty.results.first?["error_msg"] == .string("返回结果为空。"))
            let duplicate = try await client.call(.status, Bodies.ids("a05", "a05"), token: harness.tokenA, language: "zh-cn")
            #expect(try duplicate.document["error_msg"] == .string("请求中存在重复的jobs。"))
            let tags = "[" + (0..<21).map { #"{"key":"k\#($0)","value":"v"}"# }.joined(separator: ",") + "]"
            let many = try await client.call(
                .create,
                Bodies.create(Bodies.createItem("tagged", extra: #","tags":\#(tags)"#)),
                token: harness.tokenA,
                language: "zh-cn"
            )
            #expect(many.status.code == 400)
            #expect(try many.document["error_code"] == .string("DRS.M00271"))
            #expect(try many.document["error_msg"] == .string("标签数量已达上限。"))
        }
    }
}
