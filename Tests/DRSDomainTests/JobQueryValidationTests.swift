import DRSDomain
import Testing

/// Every validation rule of `query-jobs.md` §1–§2: status, code and message in both languages.
@Suite struct JobQueryValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var body: String
        var status: Int
        var code: String
        var en: String
        var zh: String
        var testDescription: String { body }
    }

    static func invalid(_ field: String, _ body: String) -> Case {
        Case(body: body, status: 400, code: "DRS.M00202", en: "The value of parameter \(field) is invalid.", zh: "参数\(field)的值无效。")
    }

    static func empty(_ field: String, _ body: String) -> Case {
        Case(body: body, status: 400, code: "DRS.M00201", en: "The parameter \(field) is empty.", zh: "参数\(field)为空。")
    }

    static func page(_ body: String, _ en: String, _ zh: String) -> Case {
        Case(body: body, status: 400, code: "DRS.M00210", en: "The value of Page is invalid, \(en)", zh: "分页参数的值无效，\(zh)")
    }

    static let malformed = Case(body: "", status: 400, code: "DRS.M00007", en: "Invalid request parameter.", zh: "请求参数无效。")
    static let tagUnique = Case(body: "", status: 400, code: "DRS.M00269", en: "The tag key must be unique.", zh: "标签键必须唯一。")
    static let tagLong = Case(body: "", status: 400, code: "DRS.M00270", en: "The tag key or value is too long.", zh: "标签键或值过长。")

    static func with(_ base: Case, _ body: String) -> Case {
        var copy = base
        copy.body = body
        return copy
    }

    static let m = #""db_use_type":"migration""#
    static let longKey = String(repeating: "k", count: 129)
    static let longValue = String(repeating: "v", count: 256)
    static let manyIDs = (0...100).map { "id\($0)" }.joined(separator: ",")

    static let cases: [Case] = [
        // Not a JSON object.
        with(malformed, ""), with(malformed, "not json"), with(malformed, "[]"), with(malformed, "\"x\""), with(malformed, "null"),
        with(malformed, "{\"db_use_type\":\"migration\""), with(malformed, "{\"db_use_type\":\"migration\"} x"),
        // cur_page / per_page.
        invalid("cur_page", "{\"cur_page\":\"1\",\(m)}"), invalid("cur_page", "{\"cur_page\":1.5,\(m)}"),
        invalid("cur_page", "{\"cur_page\":1.0,\(m)}"), invalid("cur_page", "{\"cur_page\":true,\(m)}"),
        invalid("cur_page", "{\"cur_page\":1e1,\(m)}"), invalid("cur_page", "{\"cur_page\":[1],\(m)}"),
        page("{\"cur_page\":-1,\(m)}", "cur_page must be greater than or equal to 0.", "cur_page必须大于或等于0。"),
        page("{\"cur_page\":99999999999999999999,\(m)}", "cur_page is out of range.", "cur_page超出范围。"),
        invalid("per_page", "{\"per_page\":\"10\",\(m)}"), invalid("per_page", "{\"per_page\":10.5,\(m)}"),
        invalid("per_page", "{\"per_page\":false,\(m)}"),
        page("{\"per_page\":101,\(m)}", "per_page must be between 0 and 100.", "per_page必须在0到100之间。"),
        page("{\"per_page\":-1,\(m)}", "per_page must be between 0 and 100.", "per_page必须在0到100之间。"),
        page("{\"per_page\":0,\"cur_page\":2,\(m)}", "cur_page must be 0 or 1 when per_page is 0.", "per_page为0时，cur_page只能为0或1。"),
        // db_use_type.
        empty("db_use_type", "{}"), empty("db_use_type", "{\"db_use_type\":null}"), empty("db_use_type", "{\"db_use_type\":\"\"}"),
        invalid("db_use_type", "{\"db_use_type\":\"Migration\"}"), invalid("db_use_type", "{\"db_use_type\":1}"),
        invalid("db_use_type", "{\"db_use_type\":\"migration\",\"db_use_type\":\"sync\"}"),
        // Catalogue fields.
        invalid("engine_type", "{\(m),\"engine_type\":\"oracle\"}"), invalid("engine_type", "{\(m),\"engine_type\":7}"),
        invalid("net_type", "{\(m),\"net_type\":\"VPC\"}"), invalid("status", "{\(m),\"status\":\"RUNNING\"}"),
        invalid("status", "{\(m),\"status\":[\"DELETED\"]}"),
        invalid("service_name", "{\(m),\"service_name\":\"rds\"}"),
        invalid("enterprise_project_id", "{\(m),\"enterprise_project_id\":\"\"}"),
        invalid("enterprise_project_id", "{\(m),\"enterprise_project_id\":0}"),
        // name.
        invalid("name", "{\(m),\"name\":5}"), invalid("name", "{\(m),\"name\":\"\(manyIDs)\"}"),
        // tags.
        invalid("tags", "{\(m),\"tags\":\"env\"}"), invalid("tags", "{\(m),\"tags\":[\"env\"]}"),
        invalid("tags", "{\(m),\"tags\":[{\"value\":\"x\"}]}"), invalid("tags", "{\(m),\"tags\":{\"\":\"x\"}}"),
        invalid("tags", "{\(m),\"tags\":{\"env\":1}}"), invalid("tags", "{\(m),\"tags\":[{\"key\":1,\"value\":\"x\"}]}"),
        invalid(
            "tags",
            "{\(m),\"tags\":{" + (0...10).map { "\"k\($0)\":\"v\"" }.joined(separator: ",") + "}}"
        ),
        with(tagUnique, "{\(m),\"tags\":{\"env\":\"a\",\"env\":\"b\"}}"),
        with(tagUnique, "{\(m),\"tags\":[{\"key\":\"env\",\"value\":\"a\"},{\"key\":\"env\",\"value\":\"b\"}]}"),
        with(tagLong, "{\(m),\"tags\":{\"\(longKey)\":\"x\"}}"), with(tagLong, "{\(m),\"tags\":{\"env\":\"\(longValue)\"}}"),
        with(tagLong, "{\(m),\"tags\":[{\"key\":\"env\",\"value\":\"\(longValue)\"}]}"),
        // instance_ids / instance_ip.
        invalid("instance_ids", "{\(m),\"instance_ids\":\"id1\"}"), invalid("instance_ids", "{\(m),\"instance_ids\":[\"\"]}"),
        invalid("instance_ids", "{\(m),\"instance_ids\":[1]}"),
        invalid("instance_ids", "{\(m),\"instance_ids\":[" + (0...10).map { "\"i\($0)\"" }.joined(separator: ",") + "]}"),
        invalid("instance_ip", "{\(m),\"instance_ip\":\"300.1.1.1\"}"), invalid("instance_ip", "{\(m),\"instance_ip\":\"fe80::1%eth0\"}"),
        invalid("instance_ip", "{\(m),\"instance_ip\":\"host.example\"}"), invalid("instance_ip", "{\(m),\"instance_ip\":[\"1.1.1.1\"]}"),
    ]

    @Test(arguments: cases)
    func refuses(_ testCase: Case) {
        do {
            let query = try JobQueryParser.parse(Array(testCase.body.utf8))
            Issue.record("accepted: \(query)")
        } catch {
            #expect(error.httpStatus == testCase.status)
            #expect(error.code == testCase.code)
            #expect(error.message(in: .enUS) == testCase.en)
            #expect(error.message(in: .zhCN) == testCase.zh)
        }
    }

    @Test func checksFieldsInContractOrder() throws {
        // Both per_page and db_use_type are wrong: per_page comes first in the table.
        #expect(throws: APIError(.pageInvalid, en: "per_page must be between 0 and 100.", zh: "per_page必须在0到100之间。")) {
            try JobQueryParser.parse(Array(#"{"per_page": 500}"#.utf8))
        }
    }

    @Test func languageHeader() {
        #expect(Language(header: nil) == .enUS)
        #expect(Language(header: "zh-CN") == .zhCN)
        #expect(Language(header: " ZH-cn ") == .zhCN)
        #expect(Language(header: "fr-fr") == .enUS)
        #expect(Language(header: "") == .enUS)
    }
}

/// What valid bodies mean.
@Suite struct JobQueryParsingTests {
    func parse(_ body: String) throws -> JobQuery { try JobQueryParser.parse(Array(body.utf8)) }

    @Test func defaults() throws {
        let query = try parse(#"{"db_use_type":"migration"}"#)
        #expect(query.paging == .page(offset: 0, limit: 10))
        #expect(query.engineType == .mysql)
        #expect(query.name == nil && query.status == nil && query.netType == nil && query.enterpriseProjectID == nil)
        #expect(query.tags.isEmpty && query.instanceIDs.isEmpty && query.instanceIP == nil)
        #expect(query.excludesDeleted)
    }

    @Test func nullMeansAbsent() throws {
        let query = try parse(
            #"{"db_use_type":"sync","cur_page":null,"per_page":null,"engine_type":null,"name":null,"tags":null,"instance_ids":null,"instance_ip":null,"enterprise_project_id":null,"status":null,"net_type":null,"service_name":null}"#
        )
        #expect(query.paging == .page(offset: 0, limit: 10))
        #expect(query.engineType == .mysql)
    }

    @Test func emptyStringsMeanNoFilter() throws {
        let query = try parse(
            #"{"db_use_type":"sync","engine_type":"","name":"  ","net_type":"","status":"","instance_ip":"","service_name":""}"#
        )
        #expect(query.engineType == nil && query.name == nil && query.netType == nil && query.status == nil && query.instanceIP == nil)
    }

    @Test func unknownFieldsAreIgnored() throws {
        #expect(try parse(#"{"db_use_type":"sync","unknown":{"deep":[1,2]},"service_name":"eps"}"#).dbUseType == .sync)
    }

    @Test(arguments: [
        ("{\"db_use_type\":\"sync\",\"cur_page\":3,\"per_page\":20}", JobQuery.Paging.page(offset: 40, limit: 20)),
        ("{\"db_use_type\":\"sync\",\"cur_page\":0}", .all),
        ("{\"db_use_type\":\"sync\",\"cur_page\":0,\"per_page\":100}", .all),
        ("{\"db_use_type\":\"sync\",\"per_page\":0}", .all),
        ("{\"db_use_type\":\"sync\",\"per_page\":0,\"cur_page\":1}", .all),
        ("{\"db_use_type\":\"sync\",\"per_page\":0,\"cur_page\":0}", .all),
        ("{\"db_use_type\":\"sync\",\"cur_page\":1,\"per_page\":100}", .page(offset: 0, limit: 100)),
        ("{\"db_use_type\":\"sync\",\"cur_page\":-0}", .all),
        ("{\"db_use_type\":\"sync\",\"cur_page\":9223372036854775807,\"per_page\":100}", .page(offset: Int.max, limit: 100)),
    ])
    func paging(body: String, expected: JobQuery.Paging) throws {
        #expect(try parse(body).paging == expected)
    }

    @Test func nameFilter() throws {
        #expect(try parse(#"{"db_use_type":"sync","name":"  DRS_1 "}"#).name == .text("DRS_1"))
        #expect(try parse(#"{"db_use_type":"sync","name":" a , b,,a, "}"#).name == .ids(["a", "b"]))
        #expect(try parse(#"{"db_use_type":"sync","name":" , ,"}"#).name == nil)
        let hundred = (0..<100).map { "id\($0)" }.joined(separator: ",")
        #expect(try parse(#"{"db_use_type":"sync","name":"\#(hundred),id0"}"#).name == .ids((0..<100).map { "id\($0)" }))
    }

    @Test func tagShapes() throws {
        let object = try parse(#"{"db_use_type":"sync","tags":{"env":"prod","team":""}}"#)
        #expect(object.tags == [.init(key: "env", value: "prod"), .init(key: "team", value: nil)])
        let array = try parse(#"{"db_use_type":"sync","tags":[{"key":"env","value":"prod"},{"key":"team"}]}"#)
        #expect(array.tags == object.tags)
        #expect(try parse(#"{"db_use_type":"sync","tags":{}}"#).tags.isEmpty)
        let limits = try parse(
            #"{"db_use_type":"sync","tags":{"\#(String(repeating: "k", count: 128))":"\#(String(repeating: "v", count: 255))"}}"#
        )
        #expect(limits.tags.count == 1)
    }

    @Test func instanceFilters() throws {
        #expect(try parse(#"{"db_use_type":"sync","instance_ids":[]}"#).instanceIDs.isEmpty)
        #expect(try parse(#"{"db_use_type":"sync","instance_ids":["a","b"]}"#).instanceIDs == ["a", "b"])
        #expect(try parse(#"{"db_use_type":"sync","instance_ip":"2001:DB8:0::1"}"#).instanceIP == "2001:db8::1")
    }

    @Test func deletedOnlyWhenAsked() throws {
        #expect(try parse(#"{"db_use_type":"sync","status":"DELETED"}"#).excludesDeleted == false)
        #expect(try parse(#"{"db_use_type":"sync","status":"CONFIGURATION"}"#).excludesDeleted)
    }

    @Test func everyCatalogueValueIsAccepted() throws {
        for engine in EngineType.allCases {
            #expect(try parse(#"{"db_use_type":"sync","engine_type":"\#(engine.rawValue)"}"#).engineType == engine)
        }
        for status in JobStatus.allCases {
            #expect(try parse(#"{"db_use_type":"sync","status":"\#(status.rawValue)"}"#).status == status)
        }
        for use in DBUseType.allCases { #expect(try parse(#"{"db_use_type":"\#(use.rawValue)"}"#).dbUseType == use) }
        for net in NetType.allCases { #expect(try parse(#"{"db_use_type":"sync","net_type":"\#(net.rawValue)"}"#).netType == net) }
    }
}
