/// `POST /jobs/batch-creation` (`lifecycle.md` §6.1): each `CreateJobReq` checked in the contract's field order.
public struct CreateItem: Equatable, Sendable {
    /// The task to create (its ID and create time are given when it is created).
    public var record: JobRecord
    public var config: TaskConfig
    /// The fault the `drs-fault` tag arms.
    public var fault: FaultStep?
}

public enum CreateJobRequest {
    public static let nodeTypes = ["micro", "small", "medium", "high", "xlarge", "2xlarge"]
    /// Engines a period-charged task may have.
    public static let periodEngines: Set<EngineType> = [.mysql, .cloudDataGuardMySQL, .postgresql, .gaussdbv5haToKafka]

    public static func parse(_ body: some Collection<UInt8>) throws(APIError) -> [CreateItem] {
        let fields = try BatchRequest.fields(body)
        var items: [CreateItem] = []
        for item in try BatchRequest.items(fields) { items.append(try parse(item)) }
        return items
    }

    static func parse(_ fields: PathFields) throws(APIError) -> CreateItem {
        let name = try fields.string("name", required: true)!
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw .invalid(fields.field("name")) }
        let use = try fields.catalogue("db_use_type", DBUseType.self, required: true)!
        let isDR = use == .cloudDataGuard
        let engine = try fields.catalogue("engine_type", EngineType.self, required: true)!
        guard engine.rawValue.hasPrefix("cloudDataGuard-") == isDR else { throw .invalid(fields.field("engine_type")) }
        let direction = try fields.catalogue("job_direction", JobDirection.self, required: true)!
        guard !isDR || direction != .nonDBS else { throw .invalid(fields.field("job_direction")) }
        let net = try fields.catalogue("net_type", NetType.self, required: true)!
        guard !isDR || net != .vpc else { throw .invalid(fields.field("net_type")) }

        var config = TaskConfig()
        config.originalDirection = direction.rawValue
        config.nodeType = try fields.oneOf("node_type", nodeTypes) ?? "high"
        // multi_write is checked in its own place; task_type's rule needs its value.
        let multiWrite = (try? fields.bool("multi_write")) ?? nil ?? false
        let taskType = try fields.catalogue("task_type", TaskType.self) ?? .fullIncrTrans
        guard !isDR || multiWrite || taskType == .fullIncrTrans else { throw .invalid(fields.field("task_type")) }
        config.subnetID = try fields.string("customize_sutnet_id", maxLength: 64, required: true)!

        let source = try EndpointRules.parse(try fields.required("source_endpoint"), path: fields.field("source_endpoint"))
        let target = try EndpointRules.parse(try fields.required("target_endpoint"), path: fields.field("target_endpoint"))
        if isDR {
            let (side, endpoint) = direction == .up ? ("target_endpoint", target) : ("source_endpoint", source)
            for key in ["region", "inst_id"] where endpoint.kept[key] == nil { throw .empty(fields.field(side) + "." + key) }
        }
        config.source = source
        config.target = target

        config.bindEIP = try fields.bool("bind_eip")
        guard net != .eip || config.bindEIP == true else { throw .invalid(fields.field("bind_eip")) }
        let description = try fields.string("description", maxLength: 256) ?? ""
        guard !description.contains(where: { "!<>&'\"".contains($0) }) else { throw .invalid(fields.field("description")) }
        let readonly = try fields.bool("is_target_readonly")
        let multi = try fields.bool("multi_write") ?? false
        guard !multi || isDR else { throw .invalid(fields.field("multi_write")) }
        config.multiWrite = multi
        config.isTargetReadonly = readonly ?? (isDR && !multi)
        config.nodeNum = try fields.int("node_num", in: 1...32)

        var tags: [JobRecord.Tag] = []
        var fault: FaultStep?
        if let value = try fields.value("tags") {
            (tags, fault) = try LifecycleTags.parse(value, field: fields.field("tags"), allowFault: true)
        }
        let enterpriseProject = try sysTags(fields)
        config.productID = try fields.string("product_id", maxLength: 64)
        if let days = try fields.string("expired_days") {
            guard days.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int(days), (14...100).contains(number), days.first != "0" else {
                throw .invalid(fields.field("expired_days"))
            }
            config.expiredDays = days
        }
        config.masterAZ = try fields.string("master_az", maxLength: 64)
        config.slaveAZ = try fields.string("slave_az", maxLength: 64)
        let charging = try fields.catalogue("charging_mode", ChargingMode.self) ?? .onDemand
        if charging == .period, use == .migration || !periodEngines.contains(engine) { throw .invalid(fields.field("charging_mode")) }
        config.periodOrder = try periodOrder(fields)
        config.publicIPList = try publicIPs(fields)
        config.isOpenFastClean = try fields.bool("is_open_fast_clean") ?? false

        var record = JobRecord(
            id: "",
            name: name,
            status: .creating,
            createTime: 0,
            engineType: engine,
            netType: net,
            jobDirection: direction,
            dbUseType: use,
            taskType: taskType
        )
        record.description = description
        record.enterpriseProjectID = enterpriseProject ?? "0"
        record.chargingMode = charging
        record.tags = tags
        record.sourceInstance = source.instance
        record.targetInstance = target.instance
        return CreateItem(record: record, config: config, fault: fault)
    }

    /// `sys_tags`: exactly one `_sys_enterprise_project_id` with a value of 1–64 characters.
    static func sysTags(_ fields: PathFields) throws(APIError) -> String? {
        guard let value = try fields.value("sys_tags") else { return nil }
        let field = fields.field("sys_tags")
        guard case .array(let items) = value, items.count == 1 else { throw .invalid(field) }
        let tag = try PathFields(items[0], path: field)
        guard (try? tag.value("key")) == .string("_sys_enterprise_project_id"), case .string(let id)? = try? tag.value("value"),
            (1...64).contains(id.count)
        else { throw .invalid(field) }
        return id
    }

    static func periodOrder(_ fields: PathFields) throws(APIError) -> JSONValue? {
        guard let value = try fields.value("period_order") else { return nil }
        let order = try PathFields(value, path: fields.field("period_order"))
        var object = JSONObjectBuilder()
        let type = try order.int("period_type", in: 2...3)
        object.add("period_type", type)
        object.add("period_num", try order.int("period_num", in: 1...(type == 3 ? 3 : 9)))
        object.add("is_auto_renew", try order.int("is_auto_renew", in: 0...1))
        return object.value
    }

    static func publicIPs(_ fields: PathFields) throws(APIError) -> JSONValue? {
        guard let value = try fields.value("public_ip_list") else { return nil }
        guard case .array(let items) = value else { throw .invalid(fields.field("public_ip_list")) }
        var list: [JSONValue] = []
        for (index, item) in items.enumerated() {
            let entry = try PathFields(item, path: fields.field("public_ip_list") + "[\(index)]")
            var object = JSONObjectBuilder()
            object.add("id", try entry.string("id", required: true))
            let ip = try entry.string("public_ip", maxLength: 45, required: true)!
            guard IPAddress.canonical(ip) != nil else { throw .invalid(entry.field("public_ip")) }
            object.add("public_ip", ip)
            object.add("type", try entry.oneOf("type", ["master", "slave"], required: true))
            list.append(object.value)
        }
        return .array(list)
    }
}
