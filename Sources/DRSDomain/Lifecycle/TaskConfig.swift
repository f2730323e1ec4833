/// The kept create and modify keys of a task (`lifecycle.md` §8) beyond its record: stored as a JSON object next to
/// the task, read by batch-detail and the switchover's answer. Never holds a secret.
public struct TaskConfig: Equatable, Sendable {
    public var nodeType = "high"
    public var subnetID = ""
    public var bindEIP: Bool?
    public var isTargetReadonly = false
    public var multiWrite = false
    public var nodeNum: Int?
    public var expiredDays = "14"
    public var masterAZ: String?
    public var slaveAZ: String?
    public var productID: String?
    public var periodOrder: JSONValue?
    public var publicIPList: JSONValue?
    public var isOpenFastClean = false
    /// `job_direction` at creation.
    public var originalDirection: String?
    public var source: EndpointInput?
    public var target: EndpointInput?
    public var alarmNotify: JSONValue?
    public var replaceDefiner: Bool?
    public var storeDBInfo: Bool?
    public var isRecreate: Bool?

    public init() {}

    /// The stored form.
    public var json: JSONValue {
        var object = JSONObjectBuilder()
        object.add("node_type", nodeType)
        object.add("customize_sutnet_id", subnetID)
        object.add("bind_eip", bindEIP)
        object.add("is_target_readonly", isTargetReadonly)
        object.add("multi_write", multiWrite)
        object.add("node_num", nodeNum)
        object.add("expired_days", expiredDays)
        object.add("master_az", masterAZ)
        object.add("slave_az", slaveAZ)
        object.add("product_id", productID)
        object.add("period_order", periodOrder)
        object.add("public_ip_list", publicIPList)
        object.add("is_open_fast_clean", isOpenFastClean)
        object.add("original_job_direction", originalDirection)
        object.add("source_endpoint", source?.kept)
        object.add("source_password_given", source?.passwordGiven)
        object.add("target_endpoint", target?.kept)
        object.add("target_password_given", target?.passwordGiven)
        object.add("alarm_notify", alarmNotify)
        object.add("replace_definer", replaceDefiner)
        object.add("store_db_info", storeDBInfo)
        object.add("is_recreate", isRecreate)
        return object.value
    }

    public init(json: JSONValue) {
        nodeType = json["node_type"]?.stringValue ?? nodeType
        subnetID = json["customize_sutnet_id"]?.stringValue ?? ""
        bindEIP = json["bind_eip"]?.boolValue
        isTargetReadonly = json["is_target_readonly"]?.boolValue ?? false
        multiWrite = json["multi_write"]?.boolValue ?? false
        nodeNum = json["node_num"]?.integerLiteral ?? nil
        expiredDays = json["expired_days"]?.stringValue ?? expiredDays
        masterAZ = json["master_az"]?.stringValue
        slaveAZ = json["slave_az"]?.stringValue
        productID = json["product_id"]?.stringValue
        periodOrder = json["period_order"]
        publicIPList = json["public_ip_list"]
        isOpenFastClean = json["is_open_fast_clean"]?.boolValue ?? false
        originalDirection = json["original_job_direction"]?.stringValue
        source = json["source_endpoint"].map { EndpointInput(kept: $0, passwordGiven: json["source_password_given"]?.boolValue ?? false) }
        target = json["target_endpoint"].map { EndpointInput(kept: $0, passwordGiven: json["target_password_given"]?.boolValue ?? false) }
        alarmNotify = json["alarm_notify"]
        replaceDefiner = json["replace_definer"]?.boolValue
        storeDBInfo = json["store_db_info"]?.boolValue
        isRecreate = json["is_recreate"]?.boolValue
    }

    /// Parses the stored text (nil or unreadable: the defaults of a task created elsewhere).
    public init(text: String?) {
        guard let text, let value = try? JSONParser.parse(Array(text.utf8)) else {
            self.init()
            return
        }
        self.init(json: value)
    }

    public var text: String { json.text }
}
