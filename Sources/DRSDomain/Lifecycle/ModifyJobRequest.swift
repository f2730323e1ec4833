/// `PUT /jobs/batch-modification` (`lifecycle.md` §6.8): `ModifyJobReq` items; every key but `job_id` optional.
public struct ModifyItem: Equatable, Sendable {
    public var id: String
    public var name: String?
    public var description: String?
    public var alarmNotify: JSONValue?
    public var tags: [JobRecord.Tag]?
    public var source: EndpointInput?
    public var target: EndpointInput?
    public var nodeType: String?
    public var engineType: EngineType?
    public var netType: NetType?
    public var jobDirection: JobDirection?
    public var dbUseType: DBUseType?
    public var taskType: TaskType?
    public var isTargetReadonly: Bool?
    public var replaceDefiner: Bool?
    public var storeDBInfo: Bool?
    public var isRecreate: Bool?
    public var productID: String?

    /// Whether the item changes keys other than `name`, `description`, `alarm_notify` and `tags` (allowed only in
    /// `CONFIGURATION` and `CREATE_FAILED`; they invalidate a passed pre-check).
    public var isConfiguration: Bool {
        source != nil || target != nil || nodeType != nil || engineType != nil || netType != nil || jobDirection != nil || dbUseType != nil
            || taskType != nil || isTargetReadonly != nil || replaceDefiner != nil || storeDBInfo != nil || isRecreate != nil
            || productID != nil
    }

    /// Nothing but `job_id`: succeeds and changes nothing.
    public var isEmpty: Bool { name == nil && description == nil && alarmNotify == nil && tags == nil && !isConfiguration }

    /// Applies the item to a task's record and kept keys; `DRS.M00202` when the result breaks create's rules.
    public func apply(to record: inout JobRecord, config: inout TaskConfig) -> ItemError? {
        var next = record
        var kept = config
        if let name { next.name = name }
        if let description { next.description = description }
        if let alarmNotify { kept.alarmNotify = alarmNotify }
        if let tags { next.tags = tags }
        if let source {
            kept.source = source
            next.sourceInstance = source.instance
        }
        if let target {
            kept.target = target
            next.targetInstance = target.instance
        }
        if let nodeType { kept.nodeType = nodeType }
        if let engineType { next.engineType = engineType }
        if let netType { next.netType = netType }
        if let jobDirection { next.jobDirection = jobDirection }
        if let dbUseType { next.dbUseType = dbUseType }
        if let taskType { next.taskType = taskType }
        if let isTargetReadonly { kept.isTargetReadonly = isTargetReadonly }
        if let replaceDefiner { kept.replaceDefiner = replaceDefiner }
        if let storeDBInfo { kept.storeDBInfo = storeDBInfo }
        if let isRecreate { kept.isRecreate = isRecreate }
        if let productID { kept.productID = productID }
        // The rows of the keys the item changes, with the task's other values (an imported task may break rows
        // it does not touch).
        let path = "jobs[\(index)]"
        let isDR = next.dbUseType == .cloudDataGuard
        let scenario = engineType != nil || dbUseType != nil
        if scenario && next.engineType.rawValue.hasPrefix("cloudDataGuard-") != isDR { return ItemError(.invalid, detail: path + ".engine_type") }
        if (jobDirection != nil || dbUseType != nil) && isDR && next.jobDirection == .nonDBS {
            return ItemError(.invalid, detail: path + ".job_direction")
        }
        if (netType != nil || dbUseType != nil) && isDR && next.netType == .vpc { return ItemError(.invalid, detail: path + ".net_type") }
        if (taskType != nil || dbUseType != nil) && isDR && !kept.multiWrite && next.taskType != .fullIncrTrans {
            return ItemError(.invalid, detail: path + ".task_type")
        }
        if scenario && next.chargingMode == .period && (next.dbUseType == .migration || !CreateJobRequest.periodEngines.contains(next.engineType)) {
            return ItemError(.invalid, detail: path + ".charging_mode")
        }
        record = next
        config = kept
        return nil
    }

    /// The item's position in the request (for the fields named in its errors).
    public var index: Int
}

public enum ModifyJobRequest {
    public static func parse(_ body: some Collection<UInt8>) throws(APIError) -> [ModifyItem] {
        var items: [ModifyItem] = []
        for (index, fields) in try BatchRequest.items(try BatchRequest.fields(body)).enumerated() {
            var item = ModifyItem(id: try fields.taskID("job_id"), index: index)
            if let name = try fields.string("name") {
                guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw .invalid(fields.field("name"))
                }
                item.name = name
            }
            if let description = try fields.string("description", maxLength: 256) {
                guard !description.contains(where: { "!<>&'\"".contains($0) }) else { throw .invalid(fields.field("description")) }
                item.description = description
            }
            if let alarm = try fields.value("alarm_notify") { item.alarmNotify = try alarmNotify(alarm, path: fields.field("alarm_notify")) }
            if let tags = try fields.value("tags") {
                item.tags = try LifecycleTags.parse(tags, field: fields.field("tags"), allowFault: false).tags
            }
            if let source = try fields.value("source_endpoint") {
                item.source = try EndpointRules.parse(source, path: fields.field("source_endpoint"))
            }
            if let target = try fields.value("target_endpoint") {
                item.target = try EndpointRules.parse(target, path: fields.field("target_endpoint"))
            }
            item.nodeType = try fields.oneOf("node_type", CreateJobRequest.nodeTypes)
            item.engineType = try fields.catalogue("engine_type", EngineType.self)
            item.netType = try fields.catalogue("net_type", NetType.self)
            item.jobDirection = try fields.catalogue("job_direction", JobDirection.self)
            item.dbUseType = try fields.catalogue("db_use_type", DBUseType.self)
            item.taskType = try fields.catalogue("task_type", TaskType.self)
            item.isTargetReadonly = try fields.bool("is_target_readonly")
            item.replaceDefiner = try fields.bool("replace_definer")
            item.storeDBInfo = try fields.bool("store_db_info")
            item.isRecreate = try fields.bool("is_recreate")
            item.productID = try fields.string("product_id", maxLength: 64)
            items.append(item)
        }
        try BatchRequest.unique(items.map(\.id))
        return items
    }

    /// `alarm_notify`, kept in the detail's key order.
    static func alarmNotify(_ value: JSONValue, path: String) throws(APIError) -> JSONValue {
        let fields = try PathFields(value, path: path)
        var object = JSONObjectBuilder()
        if let list = try fields.value("subscriptions") {
            guard case .array(let entries) = list, entries.count <= 2 else { throw .invalid(fields.field("subscriptions")) }
            var subscriptions: [JSONValue] = []
            for (index, entry) in entries.enumerated() {
                let subscription = try PathFields(entry, path: fields.field("subscriptions") + "[\(index)]")
                guard case .array(let endpoints)? = try subscription.value("endpoints"), (1...10).contains(endpoints.count),
                    endpoints.allSatisfy({ ($0.stringValue?.count ?? 0) >= 1 && ($0.stringValue?.count ?? 0) <= 255 })
                else { throw .invalid(subscription.field("endpoints")) }
                let proto = try subscription.oneOf("protocol", ["sms", "email"], required: true)!
                subscriptions.append(.object([("endpoints", .array(endpoints)), ("protocol", .string(proto))]))
            }
            object.add("subscriptions", JSONValue.array(subscriptions))
        }
        object.add("delay_time", try fields.int("delay_time", in: 0...3600))
        object.add("rto_delay", try fields.int("rto_delay", in: 0...3600))
        object.add("rpo_delay", try fields.int("rpo_delay", in: 0...3600))
        object.add("alarm_to_user", try fields.bool("alarm_to_user"))
        return object.value
    }
}
