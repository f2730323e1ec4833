import DRSDomain

/// The hand-checked data set of the contract tests: two projects, tasks chosen so that every filter,
/// the ordering tie-break and paging have something to show.
public enum Fixture {
    public static let projectA = String(repeating: "a", count: 32)
    public static let projectB = String(repeating: "b", count: 32)

    public static func job(
        _ id: String,
        _ name: String,
        _ use: DBUseType,
        _ engine: EngineType,
        _ status: JobStatus,
        _ time: String,
        net: NetType = .eip,
        configure: (inout JobRecord) -> Void = { _ in }
    ) -> JobRecord {
        var record = JobRecord(
            id: id,
            name: name,
            status: status,
            createTime: Timestamp.milliseconds(time)!,
            engineType: engine,
            netType: net,
            jobDirection: .up,
            dbUseType: use,
            taskType: .fullIncrTrans
        )
        configure(&record)
        return record
    }

    public static let tasksA: [JobRecord] = [
        job("a01", "DRS_1", .sync, .mysql, .configuration, "2021-01-05 10:00:00", net: .vpc),
        job("a02", "DRSx1", .sync, .mysql, .increTransferStarted, "2021-01-05 10:00:00"),
        job("a03", "Orders-Replica", .sync, .mysql, .deleted, "2021-01-04 00:00:00"),
        job("a04", "orders-archive 100%", .sync, .mongodb, .fullTransferStarted, "2021-01-03 00:00:00", net: .vpn) {
            $0.enterpriseProjectID = "eps-1"
            $0.tags = [.init(key: "env", value: "prod"), .init(key: "team", value: "dba")]
        },
        job("a05", "billing", .migration, .mysql, .configuration, "2021-01-02 00:00:00") {
            $0.tags = [.init(key: "env", value: "dev")]
            $0.sourceInstance = .init(id: "inst-1", ip: "10.0.0.1")
            $0.targetInstance = .init(id: "inst-2", ip: "2001:db8::1")
        },
        job("a06", "Ünïcode-Größe", .sync, .postgresql, .createFailed, "2021-01-01 00:00:00") {
            $0.errorMessage = "system error!"
            $0.targetInstance = .init(id: "inst-3", ip: "192.0.2.7")
            $0.children = [
                job("a06-c2", "child two", .sync, .postgresql, .childTransferStarted, "2021-01-01 00:30:00"),
                job("a06-c1", "child one", .sync, .postgresql, .childTransferFailed, "2021-01-01 01:00:00") {
                    $0.errorMessage = "child failed"
                },
            ]
        },
        job("a07", "a_b", .sync, .mysql, .pausing, "2021-01-06 00:00:00", net: .vpc) {
            $0.enterpriseProjectID = "eps-1"
            $0.tags = [.init(key: "env", value: "prod")]
            $0.chargingMode = .period
        },
    ]

    public static let tasksB: [JobRecord] = [
        job("b01", "DRS_1 other", .sync, .mysql, .configuration, "2021-01-07 00:00:00") {
            $0.tags = [.init(key: "env", value: "prod")]
            $0.sourceInstance = .init(id: "inst-1", ip: "10.0.0.1")
        }
    ]

    /// Query bodies, the IDs they answer in project A in order, and `total_record` when it is not the ID count.
    public static let expectations: [(body: String, ids: [String], total: Int?)] = [
        (#"{"db_use_type":"sync"}"#, ["a07", "a01", "a02"], nil),
        (#"{"db_use_type":"sync","engine_type":""}"#, ["a07", "a01", "a02", "a04", "a06"], nil),
        (#"{"db_use_type":"sync","engine_type":"","status":"DELETED"}"#, ["a03"], nil),
        (#"{"db_use_type":"sync","status":"DELETED"}"#, ["a03"], nil),
        (#"{"db_use_type":"sync","engine_type":"","status":"PAUSING"}"#, ["a07"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"drs_1"}"#, ["a01"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"DRS%1"}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"_"}"#, ["a07", "a01"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"%"}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"00%"}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":" ORDERS "}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"GRÖSSE"}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"größe"}"#, ["a06"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"a02"}"#, ["a02"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"a0"}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"child"}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"a01, a04,zz,a01"}"#, ["a01", "a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"a03,a01"}"#, ["a01"], nil),
        (#"{"db_use_type":"sync","engine_type":"","name":"a06-c1,a01"}"#, ["a01"], nil),
        (#"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"}}"#, ["a07", "a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod","team":""}}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","tags":[{"key":"env","value":"prod"},{"key":"team","value":"dba"}]}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","tags":{"env":"PROD"}}"#, [], nil),
        (#"{"db_use_type":"migration","tags":{"env":""}}"#, ["a05"], nil),
        (#"{"db_use_type":"migration","instance_ids":["inst-2"]}"#, ["a05"], nil),
        (#"{"db_use_type":"migration","instance_ids":["inst-1"]}"#, ["a05"], nil),
        (#"{"db_use_type":"migration","instance_ids":[]}"#, ["a05"], nil),
        (#"{"db_use_type":"sync","engine_type":"","instance_ids":["inst-3","nope"]}"#, ["a06"], nil),
        (#"{"db_use_type":"migration","instance_ip":"2001:0db8:0:0::0001"}"#, ["a05"], nil),
        (#"{"db_use_type":"migration","instance_ip":"10.0.0.1"}"#, ["a05"], nil),
        (#"{"db_use_type":"migration","instance_ip":"10.0.0.2"}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","net_type":"vpn"}"#, ["a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","net_type":"vpc"}"#, ["a07", "a01"], nil),
        (#"{"db_use_type":"sync","engine_type":"","enterprise_project_id":"eps-1"}"#, ["a07", "a04"], nil),
        (#"{"db_use_type":"sync","engine_type":"","enterprise_project_id":"0"}"#, ["a01", "a02", "a06"], nil),
        (#"{"db_use_type":"sync","engine_type":"postgresql"}"#, ["a06"], nil),
        (#"{"db_use_type":"cloudDataGuard","engine_type":""}"#, [], nil),
        (#"{"db_use_type":"sync","engine_type":"","per_page":2}"#, ["a07", "a01"], 5),
        (#"{"db_use_type":"sync","engine_type":"","per_page":2,"cur_page":2}"#, ["a02", "a04"], 5),
        (#"{"db_use_type":"sync","engine_type":"","per_page":2,"cur_page":3}"#, ["a06"], 5),
        (#"{"db_use_type":"sync","engine_type":"","per_page":2,"cur_page":4}"#, [], 5),
        (#"{"db_use_type":"sync","engine_type":"","per_page":100,"cur_page":9223372036854775807}"#, [], 5),
        (#"{"db_use_type":"sync","engine_type":"","cur_page":0}"#, ["a07", "a01", "a02", "a04", "a06"], nil),
        (#"{"db_use_type":"sync","engine_type":"","per_page":0}"#, ["a07", "a01", "a02", "a04", "a06"], nil),
        (#"{"db_use_type":"sync","engine_type":"","cur_page":0,"tags":{"env":"prod"}}"#, ["a07", "a04"], nil),
    ]
}
