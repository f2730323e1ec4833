/// The lifecycle keys of the import format (`lifecycle.md` §8): the kept create keys under their `CreateJobReq`
/// names (endpoints without secrets), the kept modify keys, and the times batch-detail answers, as epoch-millisecond
/// strings. Export writes them for every task that has them.
public enum KeptLifeImport {
    /// The keys, in the order export writes them.
    public static let configKeys = [
        "node_type", "customize_sutnet_id", "bind_eip", "is_target_readonly", "multi_write", "node_num", "expired_days", "master_az",
        "slave_az", "product_id", "period_order", "public_ip_list", "is_open_fast_clean", "original_job_direction", "source_endpoint",
        "target_endpoint", "alarm_notify", "replace_definer", "store_db_info", "is_recreate",
    ]
    public static let timeKeys = ["update_time", "actual_start_time", "full_transfer_complete_time"]
    private static let known = Set(configKeys + timeKeys)

    /// The kept keys of a record's members (`path`: the record's place in the document); nil when it has none.
    public static func parse(_ members: [(key: String, value: JSONValue)], path: String) throws(ImportError) -> KeptLife? {
        // The last of repeated members wins, as for every other key of the format.
        var given: [String: JSONValue] = [:]
        for (key, value) in members where known.contains(key) && value != .null { given[key] = value }
        guard !given.isEmpty else { return nil }
        let fields: PathFields
        do {
            fields = try PathFields(.object(given.map { ($0.key, $0.value) }), path: path)
        } catch {
            throw ImportError(path: path, reason: "expected an object")
        }
        do {
            return try kept(fields)
        } catch {
            let field = error.detail[.enUS] ?? path
            throw ImportError(path: field, reason: error.kind == .parameterEmpty ? "must not be empty" : "is not a valid value")
        }
    }

    private static func kept(_ fields: PathFields) throws(APIError) -> KeptLife {
        var config = TaskConfig()
        config.nodeType = try fields.oneOf("node_type", CreateJobRequest.nodeTypes) ?? config.nodeType
        config.subnetID = try fields.string("customize_sutnet_id", maxLength: 64) ?? ""
        config.bindEIP = try fields.bool("bind_eip")
        config.isTargetReadonly = try fields.bool("is_target_readonly") ?? false
        config.multiWrite = try fields.bool("multi_write") ?? false
        config.nodeNum = try fields.int("node_num", in: 1...32)
        config.expiredDays = try fields.string("expired_days", maxLength: 3) ?? config.expiredDays
        config.masterAZ = try fields.string("master_az", maxLength: 64)
        config.slaveAZ = try fields.string("slave_az", maxLength: 64)
        config.productID = try fields.string("product_id", maxLength: 64)
        config.periodOrder = try CreateJobRequest.periodOrder(fields)
        config.publicIPList = try CreateJobRequest.publicIPs(fields)
        config.isOpenFastClean = try fields.bool("is_open_fast_clean") ?? false
        config.originalDirection = try fields.catalogue("original_job_direction", JobDirection.self)?.rawValue
        if let source = try fields.value("source_endpoint") {
            config.source = try EndpointRules.parse(source, path: fields.field("source_endpoint"))
        }
        if let target = try fields.value("target_endpoint") {
            config.target = try EndpointRules.parse(target, path: fields.field("target_endpoint"))
        }
        if let alarm = try fields.value("alarm_notify") {
            config.alarmNotify = try ModifyJobRequest.alarmNotify(alarm, path: fields.field("alarm_notify"))
        }
        config.replaceDefiner = try fields.bool("replace_definer")
        config.storeDBInfo = try fields.bool("store_db_info")
        config.isRecreate = try fields.bool("is_recreate")
        return KeptLife(
            config: config,
            updateTime: try time(fields, "update_time"),
            actualStartTime: try time(fields, "actual_start_time"),
            fullCompleteTime: try time(fields, "full_transfer_complete_time")
        )
    }

    /// Epoch milliseconds written as a string of 1–13 digits.
    private static func time(_ fields: PathFields, _ name: String) throws(APIError) -> Int64? {
        guard let text = try fields.string(name, maxLength: 13) else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text) else { throw .invalid(fields.field(name)) }
        return value
    }

    /// The members export writes for `kept`, in order.
    public static func members(_ kept: KeptLife) -> [(key: String, value: JSONValue)] {
        let stored = kept.config.json.objectMembers ?? []
        var members = configKeys.compactMap { key in stored.first { $0.key == key } }
        for (key, value) in zip(timeKeys, [kept.updateTime, kept.actualStartTime, kept.fullCompleteTime]) {
            if let value { members.append((key, .string(String(value)))) }
        }
        return members
    }
}
