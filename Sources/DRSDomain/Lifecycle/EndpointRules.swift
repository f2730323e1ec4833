/// The `Endpoint` object of create and modify (`lifecycle.md` §6.1): checked in the contract's order, kept without
/// its secrets (§8) in the SDK model's key order.
public struct EndpointInput: Equatable, Sendable {
    /// The kept keys, in `Endpoint`'s order (a JSON object).
    public var kept: JSONValue
    /// Whether a `db_password` was given (kept, never answered).
    public var passwordGiven: Bool

    /// The instance the query's `instance_ids` / `instance_ip` filters see: `inst_id`, and `ip` when an IP literal.
    public var instance: JobRecord.Instance? {
        let id = kept["inst_id"]?.stringValue
        let ip = kept["ip"]?.stringValue.flatMap(IPAddress.canonical)
        return id == nil && ip == nil ? nil : JobRecord.Instance(id: id, ip: ip)
    }
}

public enum EndpointRules {
    public static let dbTypes = ["mysql", "mongodb", "gaussdbv5", "postgresql", "kafka", "gaussdbv5ha", "taurus"]
    /// String keys of at most 255 characters, in the contract's order.
    static let plainKeys = [
        "db_user", "region", "inst_id", "inst_name", "az_code", "vpc_id", "subnet_id", "security_group_id", "project_id", "topic",
        "mongo_ha_mode", "ssl_cert_name", "ssl_cert_check_sum",
    ]
    /// Accepted, never stored or answered.
    public static let secretKeys = ["db_password", "ssl_cert_password", "ssl_cert_key"]
    public static let kafkaSecretKeys = ["trust_store_key", "trust_store_password", "key_store_key", "key_store_password", "key_password"]
    /// `Endpoint`'s key order in the SDK model (secrets left out).
    static let order = [
        "db_type", "az_code", "region", "inst_id", "vpc_id", "subnet_id", "security_group_id", "project_id", "db_name", "db_port", "db_user",
        "inst_name", "ip", "mongo_ha_mode", "safe_mode", "ssl_cert_check_sum", "ssl_cert_name", "ssl_link", "topic", "cluster_mode",
        "kafka_security_config",
    ]
    static let kafkaOrder = [
        "type", "trust_store_key_name", "endpoint_algorithm", "sasl_mechanism", "delegation_tokens", "enable_key_store", "key_store_key_name",
        "set_private_key_password",
    ]

    public static func parse(_ value: JSONValue, path: String) throws(APIError) -> EndpointInput {
        let fields = try PathFields(value, path: path)
        var kept: [String: JSONValue] = [:]
        let dbType = try fields.oneOf("db_type", dbTypes)
        kept["db_type"] = dbType.map(JSONValue.string)
        if let ip = try fields.string("ip", maxLength: 253) {
            guard IPAddress.canonical(ip) != nil || isHostName(ip) else { throw .invalid(fields.field("ip")) }
            kept["ip"] = .string(ip)
        }
        if let port = try self.port(fields, "db_port", mongo: dbType == "mongodb") { kept["db_port"] = .int(port) }
        for key in plainKeys {
            if let text = try fields.string(key) { kept[key] = .string(text) }
        }
        if let name = try fields.string("db_name", maxLength: 128) {
            guard !name.contains(where: { "!<>&'\"".contains($0) }) else { throw .invalid(fields.field("db_name")) }
            kept["db_name"] = .string(name)
        }
        if let mode = try fields.oneOf("cluster_mode", ["Sharding4.0+"]) { kept["cluster_mode"] = .string(mode) }
        if let safe = try fields.int("safe_mode", in: 0...1) { kept["safe_mode"] = .int(safe) }
        if let ssl = try fields.bool("ssl_link") { kept["ssl_link"] = .bool(ssl) }
        if let kafka = try fields.value("kafka_security_config") {
            kept["kafka_security_config"] = try self.kafka(kafka, path: fields.field("kafka_security_config"))
        }
        for key in secretKeys { _ = try fields.string(key, maxLength: 1024) }
        let ordered = order.compactMap { key in kept[key].map { (key: key, value: $0) } }
        return EndpointInput(kept: .object(ordered), passwordGiven: (try fields.string("db_password", maxLength: 1024)) != nil)
    }

    /// `db_port`: an integer 1–65535 (0 for MongoDB), or a string of 1–5 digits with that value.
    static func port(_ fields: PathFields, _ name: String, mongo: Bool) throws(APIError) -> Int? {
        guard let value = try fields.value(name) else { return nil }
        let number: Int?
        switch value {
        case .string(let text) where (1...5).contains(text.count) && text.utf8.allSatisfy({ (48...57).contains($0) }):
            number = Int(text)
        case .number:
            number = value.integerLiteral ?? nil
        default:
            number = nil
        }
        guard let number, (1...65535).contains(number) || (mongo && number == 0) else { throw .invalid(fields.field(name)) }
        return number
    }

    static func kafka(_ value: JSONValue, path: String) throws(APIError) -> JSONValue {
        let fields = try PathFields(value, path: path)
        var kept: [String: JSONValue] = [:]
        if let type = try fields.oneOf("type", ["PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL"]) { kept["type"] = .string(type) }
        if let mechanism = try fields.oneOf("sasl_mechanism", ["GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]) {
            kept["sasl_mechanism"] = .string(mechanism)
        }
        for key in ["trust_store_key_name", "key_store_key_name", "endpoint_algorithm"] {
            if let text = try fields.string(key) { kept[key] = .string(text) }
        }
        for key in ["delegation_tokens", "enable_key_store", "set_private_key_password"] {
            if let flag = try fields.bool(key) { kept[key] = .bool(flag) }
        }
        for key in kafkaSecretKeys { _ = try fields.string(key, maxLength: 4096) }
        return .object(kafkaOrder.compactMap { key in kept[key].map { (key: key, value: $0) } })
    }

    /// A host name after RFC 1123: dot-separated labels of letters, digits and hyphens (not at a label's ends), each
    /// 1–63 characters, 253 in all.
    public static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == UInt8(ascii: "-")
            }
        }
    }
}
