import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `lifecycle.md` §13 test 1: for every status × scenario × charging mode × operation in progress × engine overlay ×
/// write operation, on imported tasks, the write API accepts exactly what the query advertises in
/// `available_actions` (with §4's extra conditions), and refuses everything else with the code §3.2 gives, changing
/// nothing.
@Suite struct MatrixAgreementTests {
    enum Operation: String, CaseIterable, Sendable {
        case start, pause, retry, terminate, forceTerminate, delete, rollBack, switchOver, precheck, precheckResult, testConnection
        case modifyName, modifyConfiguration

        var endpoint: Endpoint {
            switch self {
            case .start: return .start
            case .pause: return .pause
            case .retry: return .retry
            case .terminate, .forceTerminate, .delete, .rollBack: return .delete
            case .switchOver: return .switchOver
            case .precheck: return .precheck
            case .precheckResult: return .precheckResult
            case .testConnection: return .connection
            case .modifyName, .modifyConfiguration: return .modify
            }
        }

        /// One request item for task `id` (a bare ID for the ID-list endpoints).
        func item(_ id: String) -> String {
            switch self {
            case .start: return #"{"job_id":"\#(id)"}"#
            case .pause: return #"{"job_id":"\#(id)","pause_mode":"all"}"#
            case .retry: return #"{"job_id":"\#(id)"}"#
            case .terminate: return #"{"job_id":"\#(id)","delete_type":"terminate"}"#
            case .forceTerminate: return #"{"job_id":"\#(id)","delete_type":"force_terminate"}"#
            case .delete: return #"{"job_id":"\#(id)","delete_type":"delete"}"#
            case .rollBack: return #"{"job_id":"\#(id)","delete_type":"roll_back_upgrade_active_standby"}"#
            case .switchOver, .precheckResult: return "\"\(id)\""
            case .precheck: return #"{"job_id":"\#(id)","precheck_mode":"forStartJob"}"#
            case .testConnection:
                return #"{"id":"\#(id)","end_point_type":"so","net_type":"eip","db_type":"mysql","ip":"192.0.2.1","db_user":"u","db_password":"p"}"#
            case .modifyName: return #"{"job_id":"\#(id)","name":"renamed \#(id)"}"#
            case .modifyConfiguration: return #"{"job_id":"\#(id)","node_type":"medium"}"#
            }
        }

        /// The action §4 requires (nil: its own rule).
        var action: String? {
            switch self {
            case .start: return "START"
            case .pause: return "PAUSE"
            case .retry: return "RETRY"
            case .terminate: return "FREE_RESOURCE"
            case .delete: return "DELETE"
            case .switchOver: return "SWITCH_OVER"
            case .precheck, .precheckResult: return "PRE_CHECK"
            default: return nil
            }
        }
    }

    struct Case: Sendable {
        var id: String
        var status: JobStatus
        var use: DBUseType
        var charging: ChargingMode
        var action: CurrentAction?
        var engine: EngineType
        var operation: Operation
        /// The same task with on-demand charging.
        var twin: String
    }

    static let engines: [DBUseType: [EngineType]] = [
        .migration: [.mysql, .oracleToGaussdbv5], .sync: [.mysql, .oracleToGaussdbv5],
        .cloudDataGuard: [.cloudDataGuardMySQL, .cloudDataGuardCassandra],
    ]

    static let cases: [Case] = {
        var cases: [Case] = []
        var number = 0
        for operation in Operation.allCases {
            for status in JobStatus.allCases {
                for use in DBUseType.allCases {
                    for engine in engines[use]! {
                        for action in [nil, CurrentAction.stopJob, .switchOver] {
                            let base = number
                            for charging in [ChargingMode.onDemand, .period] {
                                cases.append(
                                    Case(
                                        id: "m\(number)",
                                        status: status,
                                        use: use,
                                        charging: charging,
                                        action: action,
                                        engine: engine,
                                        operation: operation,
                                        twin: "m\(base)"
                                    )
                                )
                                number += 1
                            }
                        }
                    }
                }
            }
        }
        return cases
    }()

    static func record(_ item: Case) -> JobRecord {
        var record = JobRecord(
            id: item.id,
            name: "matrix \(item.id)",
            status: item.status,
            createTime: 1_600_000_000_000 + Int64(item.id.dropFirst())!,
            engineType: item.engine,
            netType: .eip,
            jobDirection: .up,
            dbUseType: item.use,
            taskType: .fullIncrTrans
        )
        record.chargingMode = item.charging
        record.currentAction = item.action
        return record
    }

    /// §3.2 and §4 from the advertised actions: nil when the operation must succeed, else the code and message.
    static func expected(_ item: Case, advertised: Set<String>, twin: Set<String>) -> (code: String, message: String)? {
        let base = "This API cannot be called in the current task status."
        let notAllowed = ("DRS.M00304", base)
        if item.status == .deleted { return ("DRS.M05004", "The task has been deleted or the resource has been released.") }
        if item.operation == .forceTerminate { return item.status == .releaseResourceComplete ? notAllowed : nil }
        if item.action != nil {
            return (
                "DRS.M01504",
                "Another operation is being performed on the migration task or the migration task is abnormal. Try again later."
            )
        }
        let configurable = item.status == .configuration || item.status == .createFailed
        switch item.operation {
        case .testConnection:
            return item.status == .configuration ? nil : notAllowed
        case .rollBack:
            return ("DRS.M00304", base + " The task is not a primary/standby task.")
        case .modifyName, .modifyConfiguration:
            guard advertised.contains("CHANGE") || advertised.contains("MODIFY_CONFIGURATION") else { return notAllowed }
            if item.operation == .modifyConfiguration && !configurable {
                return ("DRS.M00304", base + " Only name, description, alarm_notify and tags can be modified in this status.")
            }
            return nil
        case .terminate, .delete:
            let action = item.operation.action!
            if advertised.contains(action) { return nil }
            if item.charging == .period && twin.contains(action) {
                return ("DRS.M00304", base + " Yearly/monthly tasks cannot be ended or deleted.")
            }
            return notAllowed
        case .start:
            guard advertised.contains("START") else { return notAllowed }
            return configurable ? ("DRS.M00304", base + " The pre-check has not passed.") : nil
        case .precheckResult:
            return advertised.contains("PRE_CHECK") ? ("DRS.M00002", "The returned result is empty.") : notAllowed
        default:
            return advertised.contains(item.operation.action!) ? nil : notAllowed
        }
    }

    /// The `available_actions` the query advertises for every task of project A.
    static func advertised(_ client: any TestClientProtocol, _ token: String) async throws -> [String: Set<String>] {
        var actions: [String: Set<String>] = [:]
        for use in DBUseType.allCases {
            for status in ["", "DELETED"] {
                let body = #"{"db_use_type":"\#(use.rawValue)","engine_type":"","per_page":0,"status":"\#(status)"}"#
                let answer = try await client.postJobs(token: token, body: body)
                for job in try answer.json()["jobs"] as? [[String: Any]] ?? [] {
                    let available = (job["job_action"] as? [String: Any])?["available_actions"] as? [String] ?? []
                    actions[job["id"] as! String] = Set(available)
                }
            }
        }
        return actions
    }

    @Test func theWriteAPIAcceptsExactlyWhatTheQueryAdvertises() async throws {
        try await Harness.run { client, harness in
            let records = Self.cases.map(Self.record)
            try await harness.store.importJobs(records, project: Fixture.projectA)
            let advertised = try await Self.advertised(client, harness.tokenA)
            #expect(advertised.count == records.count + Fixture.tasksA.count, "listed \(advertised.count) of \(records.count)")
            var refused: [String] = []
            var checked = 0
            for operation in Operation.allCases {
                let items = Self.cases.filter { $0.operation == operation }
                for start in stride(from: 0, to: items.count, by: 10) {
                    let batch = Array(items[start..<min(start + 10, items.count)])
                    let answer = try await client.call(
                        operation.endpoint,
                        Bodies.items(batch.map { operation.item($0.id) }.joined(separator: ",")),
                        token: harness.tokenA
                    )
                    #expect(answer.status.code == operation.endpoint.success, "\(operation): \(answer.text)")
                    let results = try answer.results
                    #expect(results.count == batch.count)
                    for (item, result) in zip(batch, results) {
                        let actions = try #require(advertised[item.id], "\(item.id) not listed")
                        let expected = Self.expected(item, advertised: actions, twin: advertised[item.twin] ?? [])
                        let label =
                            "\(operation) on \(item.status) \(item.use) \(item.engine) \(item.charging) \(item.action?.rawValue ?? "-"): \(result.text)"
                        #expect(result["error_code"]?.stringValue == expected?.code, "\(label)")
                        #expect(result["error_msg"]?.stringValue == expected?.message, "\(label)")
                        if expected != nil { refused.append(item.id) }
                        checked += 1
                    }
                }
            }
            #expect(checked == Self.cases.count)
            // A refused item changed nothing.
            let original = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
            for start in stride(from: 0, to: refused.count, by: 500) {
                let ids = Array(refused[start..<min(start + 500, refused.count)])
                let stored = try await harness.lifecycle.snapshots(ids: ids, project: Fixture.projectA)
                for id in ids { #expect(stored[id]?.record == original[id], "\(id) changed") }
            }
        }
    }
}
