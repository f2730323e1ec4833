import DRSDomain
import DRSLifecycle

/// The result items of the lifecycle's reads (`lifecycle.md` §6.3, §6.4, §6.7, §6.12), keys in the SDK models'
/// order, values of the SDK-declared JSON types.
enum LifecycleJSON {
    /// Epoch milliseconds as a JSON string.
    static func millis(_ value: Int64) -> JSONValue { .string(String(value)) }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`.
    static func isoTime(_ milliseconds: Int64) -> String {
        Timestamp.format(milliseconds: milliseconds).replacingFirstSpace(with: "T") + "Z"
    }

    /// A failed item: the ID under `idKey`, the code and its message under `messageKey`, then `extra` keys.
    static func failure(
        _ idKey: String,
        _ id: String,
        _ error: ItemError,
        messageKey: String = "error_msg",
        language: Language,
        before: [(key: String, value: JSONValue)] = [],
        after: [(key: String, value: JSONValue)] = []
    ) -> JSONValue {
        .object(
            [(idKey, .string(id))] + before + [("error_code", .string(error.code.rawValue)), (messageKey, .string(error.message(in: language)))]
                + after
        )
    }

    // MARK: batch-detail

    static func detail(_ view: LifeView, at now: Int64) -> JSONValue {
        let record = view.task.record
        let life = view.task.life
        let config = view.config
        var object = JSONObjectBuilder()
        object.add("id", record.id)
        object.add("parent_id", view.parentID ?? "")
        object.add("name", record.name)
        object.add("status", record.status.rawValue)
        object.add("description", record.description)
        object.add("create_time", millis(record.createTime))
        object.add("task_type", record.taskType.rawValue)
        object.add("source_endpoint", config.source?.kept ?? .object([]))
        object.add("source_sharding", JSONValue.array([]))
        object.add("target_endpoint", config.target?.kept ?? .object([]))
        object.add("net_type", record.netType.rawValue)
        object.add("failed_reason", record.status.isFailure ? record.errorMessage ?? "" : "")
        if record.status != .creating && record.status != .createFailed { object.add("inst_info", instInfo(view)) }
        object.add("actual_start_time", life.actualStartTime.map(millis) ?? .string(""))
        object.add("full_transfer_complete_time", life.fullCompleteTime.map(millis) ?? .string(""))
        object.add("update_time", millis(life.updateTime))
        object.add("job_direction", record.jobDirection.rawValue)
        object.add("db_use_type", record.dbUseType.rawValue)
        object.add("need_restart", false)
        object.add("is_target_readonly", config.isTargetReadonly)
        object.add("filter_ddl_policy", "")
        object.add("speed_limit", JSONValue.array([]))
        object.add("node_num", config.nodeNum ?? (config.multiWrite ? 2 : 1))
        object.add("object_switch", false)
        object.add("master_job_id", "")
        object.add("full_mode", "")
        object.add("replace_definer", config.replaceDefiner ?? false)
        object.add("az_code", config.masterAZ ?? "")
        object.add("vpc_id", "")
        object.add("subnet_id", config.subnetID)
        object.add("security_group_id", "")
        object.add("multi_write", config.multiWrite)
        object.add("support_ip_v6", false)
        object.add("inherit_id", "")
        object.add("gtid", "")
        object.add("alarm_notify", config.alarmNotify)
        object.add("incre_start_position", "")
        object.add("is_multi_az", config.masterAZ != nil && config.slaveAZ != nil)
        object.add("az_name", "")
        object.add("master_az", config.masterAZ ?? "")
        object.add("slave_az", config.slaveAZ ?? "")
        object.add("node_role", "")
        object.add("object_infos", JSONValue.array([]))
        object.add("original_job_direction", config.originalDirection ?? record.jobDirection.rawValue)
        let tags = record.tags.sorted { $0.key < $1.key }.map { JSONValue.object([("key", .string($0.key)), ("value", .string($0.value))]) }
        object.add("tags", JSONValue.array(tags))
        object.add("public_ip_list", config.publicIPList ?? .array([]))
        object.add("children", JSONValue.array([]))
        object.add("is_open_fast_clean", config.isOpenFastClean)
        let kernel = record.currentAction == .switchOver ? flipped(record.jobDirection) : record.jobDirection
        object.add("job_kernel_direction", kernel.rawValue)
        return object.value
    }

    static func flipped(_ direction: JobDirection) -> JobDirection {
        switch direction {
        case .up: return .down
        case .down: return .up
        case .nonDBS: return .nonDBS
        }
    }

    /// The simulated replication instance.
    static func instInfo(_ view: LifeView) -> JSONValue {
        let record = view.task.record
        let (a, b) = hexPairs(record.id)
        var object = JSONObjectBuilder()
        object.add("engine_type", record.engineType.rawValue)
        let node = view.config.nodeType
        object.add("inst_type", ["micro", "small", "medium"].contains(node) ? "common" : node == "high" ? "high" : "ultrahigh")
        object.add("ip", "192.168.\(a).\(b)")
        if record.netType == .eip { object.add("public_ip", "203.0.113.\(1 + a % 254)") }
        object.add("start_time", view.task.life.scheduledStart.map { String($0) } ?? "0")
        let released = record.status == .releaseResourceComplete || record.status == .deleted
        object.add("status", released ? "deleted" : "active")
        object.add("volume_size", 100)
        return object.value
    }

    /// The values of the ID's first two pairs of hex digits (0 where they are not hex).
    static func hexPairs(_ id: String) -> (Int, Int) {
        let bytes = Array(id.utf8)
        func digit(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
        }
        // Digits only: `Int(_:radix:)` would also take a sign ("-a" is -10).
        func pair(_ start: Int) -> Int {
            guard bytes.count >= start + 2, let high = digit(bytes[start]), let low = digit(bytes[start + 1]) else { return 0 }
            return high * 16 + low
        }
        return (pair(0), pair(2))
    }

    // MARK: batch-progress

    static func progress(_ task: LifeTask, at now: Int64) -> JSONValue {
        let record = task.record
        let life = task.life
        let progress = life.progress(at: now)
        let incremental = record.status == .increTransferStarted
        var object = JSONObjectBuilder()
        object.add("job_id", record.id)
        object.add("progress", String(progress))
        object.add("incre_trans_delay", incremental ? "0" : "-1")
        object.add("incre_trans_delay_millis", incremental ? "0" : "-1")
        object.add("task_mode", record.taskType.rawValue)
        object.add("transfer_status", record.status.rawValue)
        object.add("process_time", String(life.updateTime))
        var remaining: Int64 = 0
        if record.status == .fullTransferStarted, let length = life.fullLength {
            remaining = max(0, (length - life.fullDone(at: now) + 999) / 1000)
        }
        object.add("remaining_time", String(remaining))
        if life.phase != .none && record.taskType != .incrTrans {
            let completed = JSONValue.object([("completed", .string("\(progress)%"))])
            object.add("progress_map", JSONValue.object([("struct", completed), ("data", completed), ("index", completed)]))
        }
        object.add("apply_rows_rate", incremental ? 0 : -1)
        object.add("apply_bytes_rate", incremental ? 0 : -1)
        return object.value
    }

    // MARK: batch-precheck-result

    static let precheckItems: [(item: String, group: String)] = [
        ("dstDbDiskSize", "db_disk_size"), ("dbCharacterSetConsistency", "db_params"), ("dbClockConsistency", "db_params"),
        ("dbParamConsistency", "db_params"), ("dbServerUuidConsistency", "db_params"),
    ]

    static func precheckResult(_ view: LifeView, run: PrecheckRun, at now: Int64) -> JSONValue {
        var object = JSONObjectBuilder()
        object.add("precheck_id", view.task.record.id)
        let done = run.isDone(at: now)
        var items: [JSONValue] = []
        var passed = 0
        if done {
            for (item, group) in precheckItems {
                var result = "PASSED"
                if let failure = run.failure, item == "dbParamConsistency" || item == "dbClockConsistency" {
                    result = item == "dbParamConsistency" ? "FAILED" : "ALARM"
                    items.append(
                        .object([
                            ("item", .string(item)), ("result", .string(result)), ("failed_reason", .string(failure)), ("group", .string(group)),
                        ])
                    )
                    continue
                }
                passed += 1
                items.append(.object([("item", .string(item)), ("result", .string(result)), ("group", .string(group))]))
            }
        }
        object.add("result", done && run.failure == nil)
        let length = max(0, run.due - run.started)
        let process = done ? 100 : length == 0 ? 100 : Int(100 * (now - run.started) / length)
        object.add("process", "\(process)%")
        object.add("total_passed_rate", done ? "\(100 * passed / precheckItems.count)%" : "0%")
        object.add("rds_instance_id", view.config.target?.kept["inst_id"]?.stringValue)
        object.add("job_direction", view.task.record.jobDirection.rawValue)
        object.add("precheck_result", JSONValue.array(items))
        return object.value
    }

    // MARK: batch-switchover

    /// `EndpointVO` from a kept endpoint: keys with a value only, never a secret.
    static func endpointVO(_ endpoint: EndpointInput?, created: Int64, updated: Int64) -> JSONValue {
        let kept = endpoint?.kept ?? .object([])
        var object = JSONObjectBuilder()
        object.add("instance_name", kept["inst_name"])
        object.add("db_type", kept["db_type"])
        object.add("db_user", kept["db_user"])
        object.add("db_port", kept["db_port"])
        object.add("region", kept["region"])
        object.add("created_at", isoTime(created))
        object.add("updated_at", isoTime(updated))
        object.add("ip", kept["ip"])
        object.add("az_code", kept["az_code"])
        object.add("security_group_id", kept["security_group_id"])
        object.add("subnet_id", kept["subnet_id"])
        object.add("vpc_id", kept["vpc_id"])
        object.add("ssl_link", kept["ssl_link"])
        object.add("ssl_cert_name", kept["ssl_cert_name"])
        object.add("ssl_cert_check_sum", kept["ssl_cert_check_sum"])
        object.add("mongo_ha_mode", kept["mongo_ha_mode"])
        object.add("project_id", kept["project_id"])
        object.add("cluster_mode", kept["cluster_mode"])
        object.add("instance_id", kept["inst_id"])
        object.add("db_name", kept["db_name"])
        object.add("topic", kept["topic"])
        object.add("safe_mode", kept["safe_mode"])
        return object.value
    }
}

extension String {
    fileprivate func replacingFirstSpace(with replacement: Character) -> String {
        guard let index = firstIndex(of: " ") else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}
