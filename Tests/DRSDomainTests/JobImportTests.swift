import Testing

@testable import DRSDomain

@Suite struct JobImportTests {
    static let minimal =
        #"{"name":"n","status":"CONFIGURATION","engine_type":"mysql","net_type":"eip","job_direction":"up","db_use_type":"sync","task_type":"FULL_TRANS"}"#

    func parse(_ text: String) throws(ImportError) -> [JobRecord] {
        try JobImport.parse(Array(text.utf8), now: 1_704_164_645_000, makeID: { "generated-id" })
    }

    /// The minimal record with `extra` members added (a JSON fragment starting with a comma) or `field` removed.
    static func record(adding extra: String = "", removing field: String? = nil) -> String {
        var text = String(minimal.dropLast()) + extra + "}"
        if let field {
            text = text.replacing(try! Regex("\"\(field)\":\"[^\"]*\",?"), with: "")
            text = text.replacing(",}", with: "}")
        }
        return text
    }

    @Test func defaults() throws {
        let records = try parse(#"{"jobs":[\#(Self.minimal)]}"#)
        let record = try #require(records.first)
        #expect(record.id == "generated-id")
        #expect(record.createTimeText == "2024-01-02 03:04:05")
        #expect(record.description == "" && record.errorMessage == nil)
        #expect(record.billingTag == false && record.nodeNewFramework == false)
        #expect(record.enterpriseProjectID == "0" && record.chargingMode == .onDemand && record.currentAction == nil)
        #expect(record.tags.isEmpty && record.sourceInstance == nil && record.targetInstance == nil && record.children.isEmpty)
    }

    @Test func everyField() throws {
        let text = Self.record(
            adding:
                #","id":"x-1","description":"d","create_time":"2020-12-21 10:57:49","error_msg":"boom","billing_tag":true,"node_newFramework":true,"enterprise_project_id":"eps-1","charging_mode":"period","current_action":"STOP_JOB","tags":[{"key":"env","value":"prod"}],"source_instance":{"id":"s","ip":"2001:DB8::1"},"target_instance":{"ip":"198.51.100.7"},"children":[{"id":"c-2","name":"c2","status":"CHILD_TRANSFER_STARTED","engine_type":"mysql","net_type":"vpc","job_direction":"down","db_use_type":"sync","task_type":"INCR_TRANS","create_time":"2020-12-22 00:00:00"},{"id":"c-1","name":"c1","status":"CHILD_TRANSFER_FAILED","engine_type":"mysql","net_type":"vpc","job_direction":"down","db_use_type":"sync","task_type":"INCR_TRANS","create_time":"2020-12-21 00:00:00"}]"#
        )
        let record = try #require(try parse(#"{"jobs":[\#(text)]}"#).first)
        #expect(record.id == "x-1" && record.description == "d" && record.createTimeText == "2020-12-21 10:57:49")
        #expect(record.errorMessage == "boom" && record.billingTag && record.nodeNewFramework)
        #expect(record.enterpriseProjectID == "eps-1" && record.chargingMode == .period && record.currentAction == .stopJob)
        #expect(record.tags == [JobRecord.Tag(key: "env", value: "prod")])
        #expect(record.sourceInstance == JobRecord.Instance(id: "s", ip: "2001:db8::1"))
        #expect(record.targetInstance == JobRecord.Instance(id: nil, ip: "198.51.100.7"))
        // Children come back in child order: create_time ascending, then id.
        #expect(record.children.map(\.id) == ["c-1", "c-2"])
    }

    @Test func emptyErrorMessageIsNone() throws {
        #expect(try parse(#"{"jobs":[\#(Self.record(adding: #","error_msg":"""#))]}"#).first?.errorMessage == nil)
    }

    @Test(arguments: ["name", "status", "engine_type", "net_type", "job_direction", "db_use_type", "task_type"])
    func requiredFields(field: String) {
        let text = #"{"jobs":[\#(Self.minimal),\#(Self.record(removing: field))]}"#
        #expect(throws: ImportError(path: "jobs[1].\(field)", reason: "is required")) { try parse(text) }
    }

    @Test(arguments: [
        (#","status":"RUNNING""#, "jobs[0].status"),
        (#","engine_type":"oracle""#, "jobs[0].engine_type"),
        (#","net_type":"lan""#, "jobs[0].net_type"),
        (#","job_direction":"sideways""#, "jobs[0].job_direction"),
        (#","db_use_type":"backup""#, "jobs[0].db_use_type"),
        (#","task_type":"FULL""#, "jobs[0].task_type"),
        (#","charging_mode":"monthly""#, "jobs[0].charging_mode"),
        (#","current_action":"PAUSE""#, "jobs[0].current_action"),
        (#","create_time":"2020-12-21T10:57:49Z""#, "jobs[0].create_time"),
        (#","id":"a,b""#, "jobs[0].id"),
        (#","id":"""#, "jobs[0].id"),
        (#","name":"""#, "jobs[0].name"),
        (#","billing_tag":"yes""#, "jobs[0].billing_tag"),
        (#","description":1"#, "jobs[0].description"),
        (#","enterprise_project_id":"""#, "jobs[0].enterprise_project_id"),
        (#","tags":{"env":"a","env":"b"}"#, "jobs[0].tags"),
        (#","tags":{"":"a"}"#, "jobs[0].tags"),
        (#","source_instance":{"ip":"999.1.1.1"}"#, "jobs[0].source_instance.ip"),
        (#","target_instance":"1.2.3.4""#, "jobs[0].target_instance"),
        (#","children":{}"#, "jobs[0].children"),
        (#","children":[{"name":"c"}]"#, "jobs[0].children[0].status"),
    ])
    func invalidFieldsNameTheRecordAndField(extra: String, path: String) {
        // Later members win, so `extra` overrides the minimal record's value.
        do {
            _ = try parse(#"{"jobs":[\#(Self.record(adding: extra))]}"#)
            Issue.record("accepted \(extra)")
        } catch {
            #expect(error.path == path, "\(error)")
        }
    }

    @Test func subtasksCannotHaveSubtasks() {
        let child = Self.record(adding: #","id":"c","children":[\#(Self.record(adding: #","id":"g""#))]"#)
        let text = #"{"jobs":[\#(Self.record(adding: #","id":"p","children":[\#(child)]"#))]}"#
        #expect(throws: ImportError(path: "jobs[0].children[0].children", reason: "a subtask cannot have subtasks")) { try parse(text) }
    }

    @Test func duplicateIDsAreRefused() {
        let one = Self.record(adding: #","id":"same""#)
        #expect(throws: ImportError(path: "jobs[1].id", reason: "duplicate id \"same\" (also at jobs[0].id)")) {
            try parse(#"{"jobs":[\#(one),\#(one)]}"#)
        }
        let parent = Self.record(adding: #","id":"p","children":[\#(one)]"#)
        #expect(throws: ImportError.self) { try parse(#"{"jobs":[\#(one),\#(parent)]}"#) }
    }

    @Test(arguments: ["", "[]", #"{"tasks":[]}"#, #"{"jobs":{}}"#, "{\"jobs\":[1]}"])
    func refusesOtherDocuments(text: String) {
        #expect(throws: ImportError.self) { try parse(text) }
    }

    @Test func emptyListIsFine() throws {
        #expect(try parse(#"{"jobs":[]}"#).isEmpty)
    }
}

/// Large documents are parsed in pieces in parallel: the same records as in one piece, and the same first error.
@Suite struct ParallelImportTests {
    static func document(_ count: Int, breaking broken: Int? = nil, duplicating duplicate: Int? = nil) -> [UInt8] {
        let records = (0..<count).map { index -> String in
            let id = index == duplicate ? "t-0" : "t-\(index)"
            let status = index == broken ? "RUNNING" : "CONFIGURATION"
            return
                #"{"id":"\#(id)","name":"n \"\#(index)\" [x]","status":"\#(status)","engine_type":"mysql","net_type":"eip","job_direction":"up","db_use_type":"sync","task_type":"FULL_TRANS","create_time":"2024-01-02 03:04:05","tags":{"env":"p,r]o}d"},"children":[{"id":"c-\#(index)","name":"c","status":"CHILD_TRANSFER_STARTED","engine_type":"mysql","net_type":"eip","job_direction":"up","db_use_type":"sync","task_type":"FULL_TRANS"}]}"#
        }
        return Array(#"{"other": [1, {"a": "]"}], "jobs" : [ "#.utf8) + Array(records.joined(separator: " ,\n").utf8) + Array("]}".utf8)
    }

    @Test func piecesGiveWhatOnePieceGives() throws {
        let bytes = Self.document(12_000)
        #expect(bytes.count > JobImport.parallelMinimumBytes)
        let split = JobImport.parseInParallel(bytes, now: 0, makeID: { "x" })
        let parallel = try #require(split)
        #expect(parallel == (try JobImport.parseWhole(bytes, now: 0, makeID: { "x" })))
        #expect(try JobImport.parse(bytes, now: 0) == parallel)
    }

    @Test func theFirstErrorIsTheSame() throws {
        for bytes in [Self.document(12_000, breaking: 9_000), Self.document(12_000, duplicating: 7_000)] {
            #expect(throws: ImportError.self) { try JobImport.parseWhole(bytes, now: 0, makeID: { "x" }) }
            var whole: ImportError?
            do { _ = try JobImport.parseWhole(bytes, now: 0, makeID: { "x" }) } catch { whole = error }
            var split: ImportError?
            do { _ = try JobImport.parse(bytes, now: 0) } catch { split = error }
            #expect(whole != nil && whole == split)
        }
        let broken = JobImport.parseInParallel(Self.document(12_000, breaking: 9_000), now: 0, makeID: { "x" })
        #expect(broken == nil)
    }
}
