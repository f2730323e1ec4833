/// Validation of a `POST /v3/{project_id}/jobs` body into a ``JobQuery`` (`query-jobs.md` §1–§2).
///
/// Fields are checked in the order of the contract's table, and the first problem is reported.
public enum JobQueryParser {
    /// Most IDs accepted by the `name` filter.
    public static let maxNameIDs = 100
    /// Most IDs accepted by `instance_ids`.
    public static let maxInstanceIDs = 10

    public static func parse(_ body: some Collection<UInt8>) throws(APIError) -> JobQuery {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw APIError(.invalidRequest)
        }
        guard let members = document.objectMembers else { throw APIError(.invalidRequest) }
        return try parse(Fields(members))
    }

    static func parse(_ fields: Fields) throws(APIError) -> JobQuery {
        let curPage = try pageNumber(fields, "cur_page", default: 1)
        guard curPage >= 0 else {
            throw APIError(
                .pageInvalid,
                en: "cur_page must be greater than or equal to 0.",
                zh: "cur_page必须大于或等于0。"
            )
        }
        let perPage = try pageNumber(fields, "per_page", default: 10)
        guard (0...100).contains(perPage) else {
            throw APIError(.pageInvalid, en: "per_page must be between 0 and 100.", zh: "per_page必须在0到100之间。")
        }
        guard perPage != 0 || curPage <= 1 else {
            throw APIError(
                .pageInvalid,
                en: "cur_page must be 0 or 1 when per_page is 0.",
                zh: "per_page为0时，cur_page只能为0或1。"
            )
        }

        guard let dbUseTypeText = try fields.string("db_use_type"), !dbUseTypeText.isEmpty else {
            throw .empty("db_use_type")
        }
        var query = JobQuery(dbUseType: try catalogue(DBUseType.self, dbUseTypeText, "db_use_type"))
        query.paging = paging(curPage: curPage, perPage: perPage)

        if let engine = try fields.string("engine_type") {
            query.engineType = engine.isEmpty ? nil : try catalogue(EngineType.self, engine, "engine_type")
        }
        if let project = try fields.string("enterprise_project_id") {
            guard !project.isEmpty else { throw .invalid("enterprise_project_id") }
            query.enterpriseProjectID = project
        }
        if let name = try fields.string("name") {
            query.name = try nameFilter(name)
        }
        if let netType = try fields.string("net_type"), !netType.isEmpty {
            query.netType = try catalogue(NetType.self, netType, "net_type")
        }
        if let service = try fields.string("service_name"), !service.isEmpty {
            _ = try catalogue(ServiceName.self, service, "service_name")
        }
        if let status = try fields.string("status"), !status.isEmpty {
            query.status = try catalogue(JobStatus.self, status, "status")
        }
        if let tags = try fields.value("tags") {
            query.tags = try TagRules.parse(tags, field: "tags").map { JobQuery.TagFilter(key: $0.key, value: $0.value.isEmpty ? nil : $0.value) }
        }
        if let ids = try fields.value("instance_ids") {
            query.instanceIDs = try instanceIDs(ids)
        }
        if let ip = try fields.string("instance_ip"), !ip.isEmpty {
            guard let canonical = IPAddress.canonical(ip) else { throw .invalid("instance_ip") }
            query.instanceIP = canonical
        }
        return query
    }

    /// A page number: a JSON integer literal; absent or null gives `defaultValue`.
    private static func pageNumber(_ fields: Fields, _ field: String, default defaultValue: Int) throws(APIError) -> Int {
        guard let value = try fields.value(field) else { return defaultValue }
        guard let literal = value.integerLiteral else { throw .invalid(field) }
        guard let number = literal else {
            throw APIError(.pageInvalid, en: "\(field) is out of range.", zh: "\(field)超出范围。")
        }
        return number
    }

    static func paging(curPage: Int, perPage: Int) -> JobQuery.Paging {
        if curPage == 0 || perPage == 0 { return .all }
        let (offset, overflow) = (curPage - 1).multipliedReportingOverflow(by: perPage)
        return .page(offset: overflow ? Int.max : offset, limit: perPage)
    }

    static func catalogue<T: RawRepresentable<String>>(_ type: T.Type, _ text: String, _ field: String) throws(APIError) -> T {
        guard let value = T(rawValue: text) else { throw .invalid(field) }
        return value
    }

    static func nameFilter(_ raw: String) throws(APIError) -> JobQuery.NameFilter? {
        let value = raw.trimmed
        guard !value.isEmpty else { return nil }
        guard value.utf8.contains(UInt8(ascii: ",")) else { return .text(value) }
        var seen = Set<String>(minimumCapacity: 128)
        var ids: [String] = []
        ids.reserveCapacity(101)
        // Split on the comma's UTF-8 byte (it never occurs inside another character's bytes): grapheme-aware splitting
        // of a 100-ID value cost more than answering the query.
        var utf8 = value
        utf8.withUTF8 { bytes in
            for part in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let id = String(decoding: UnsafeBufferPointer(rebasing: part), as: UTF8.self).trimmed
                guard !id.isEmpty, seen.insert(id).inserted else { continue }
                ids.append(id)
            }
        }
        guard ids.count <= maxNameIDs else { throw .invalid("name") }
        return ids.isEmpty ? nil : .ids(ids)
    }

    static func instanceIDs(_ value: JSONValue) throws(APIError) -> [String] {
        guard case .array(let elements) = value, elements.count <= maxInstanceIDs else { throw .invalid("instance_ids") }
        var ids: [String] = []
        for element in elements {
            guard case .string(let id) = element, !id.isEmpty else { throw .invalid("instance_ids") }
            ids.append(id)
        }
        return ids
    }
}

/// The members of a request object, looked up by name. A member given twice is invalid.
struct Fields {
    private var members: [String: [JSONValue]] = [:]

    init(_ list: [(key: String, value: JSONValue)]) {
        for (key, value) in list { members[key, default: []].append(value) }
    }

    /// The member's value; nil when absent or `null`.
    func value(_ name: String) throws(APIError) -> JSONValue? {
        guard let values = members[name] else { return nil }
        guard values.count == 1 else { throw .invalid(name) }
        return values[0] == .null ? nil : values[0]
    }

    /// The member's string value; nil when absent or `null`; invalid when not a string.
    func string(_ name: String) throws(APIError) -> String? {
        guard let value = try value(name) else { return nil }
        guard case .string(let text) = value else { throw .invalid(name) }
        return text
    }
}
