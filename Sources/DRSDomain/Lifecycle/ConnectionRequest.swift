/// `POST /jobs/batch-connection` (`lifecycle.md` §6.5): one `TestEndPoint` per side of a task. Nothing is stored.
public struct ConnectionItem: Equatable, Sendable {
    public var id: String
    /// `so` or `ta`.
    public var side: String
}

public enum ConnectionRequest {
    public static func parse(_ body: some Collection<UInt8>) throws(APIError) -> [ConnectionItem] {
        var items: [ConnectionItem] = []
        for fields in try BatchRequest.items(try BatchRequest.fields(body)) {
            let id = try fields.taskID("id")
            let side = try fields.oneOf("end_point_type", ["so", "ta"], required: true)!
            _ = try fields.catalogue("net_type", NetType.self, required: true)
            let dbType = try fields.oneOf("db_type", EndpointRules.dbTypes, required: true)!
            let ip = try fields.string("ip", maxLength: 253, required: true)!
            guard IPAddress.canonical(ip) != nil || EndpointRules.isHostName(ip) else { throw .invalid(fields.field("ip")) }
            _ = try fields.string("db_user", required: true)
            _ = try fields.string("db_password", maxLength: 1024, required: true)
            _ = try EndpointRules.port(fields, "db_port", mongo: dbType == "mongodb")
            for key in ["inst_id", "vpc_id", "subnet_id", "region", "project_id", "ssl_cert_name", "ssl_cert_check_sum"] {
                _ = try fields.string(key)
            }
            if let name = try fields.string("db_name", maxLength: 128), name.contains(where: { "!<>&'\"".contains($0) }) {
                throw .invalid(fields.field("db_name"))
            }
            _ = try fields.bool("ssl_link")
            if let kafka = try fields.value("kafka_security_config") {
                _ = try EndpointRules.kafka(kafka, path: fields.field("kafka_security_config"))
            }
            for key in ["ssl_cert_key", "ssl_cert_password"] { _ = try fields.string(key, maxLength: 1024) }
            if let dns = try fields.value("customized_dns") {
                let dnsFields = try PathFields(dns, path: fields.field("customized_dns"))
                guard try dnsFields.bool("is_set_dns") != nil else { throw .empty(dnsFields.field("is_set_dns")) }
                _ = try dnsFields.oneOf("set_dns_action", ["add", "keep", "update", "recover"], required: true)
                let dnsIP = try dnsFields.string("dns_ip", maxLength: 45, required: true)!
                guard IPAddress.canonical(dnsIP) != nil else { throw .invalid(dnsFields.field("dns_ip")) }
            }
            items.append(ConnectionItem(id: id, side: side))
        }
        try BatchRequest.unique(items.map { "\($0.id)\u{0}\($0.side)" })
        return items
    }
}
