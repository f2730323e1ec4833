/// Reading a lifecycle request's members with their JSON paths (`jobs[2].source_endpoint.db_port`), so every error
/// names where the problem is (`lifecycle.md` §3.1).
public struct PathFields {
    public let path: String
    private var members: [String: [JSONValue]] = [:]

    /// The members of `value`, an object (else `DRS.M00202` naming `path`).
    public init(_ value: JSONValue, path: String) throws(APIError) {
        guard let list = value.objectMembers else { throw .invalid(path) }
        self.path = path
        for (key, value) in list { members[key, default: []].append(value) }
    }

    public func field(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    /// The member's value; nil when absent or `null`. A member given twice is invalid.
    public func value(_ name: String) throws(APIError) -> JSONValue? {
        guard let values = members[name] else { return nil }
        guard values.count == 1 else { throw .invalid(field(name)) }
        return values[0] == .null ? nil : values[0]
    }

    /// A required member: absent, `null` or `""` is `DRS.M00201`.
    public func required(_ name: String) throws(APIError) -> JSONValue {
        guard let value = try value(name), value != .string("") else { throw .empty(field(name)) }
        return value
    }

    /// A string of at most `maxLength` characters (nil: absent).
    public func string(_ name: String, maxLength: Int = 255, required: Bool = false) throws(APIError) -> String? {
        let value = required ? try self.required(name) : try self.value(name)
        guard let value else { return nil }
        guard case .string(let text) = value, text.count <= maxLength else { throw .invalid(field(name)) }
        return text
    }

    public func bool(_ name: String) throws(APIError) -> Bool? {
        guard let value = try value(name) else { return nil }
        guard case .bool(let flag) = value else { throw .invalid(field(name)) }
        return flag
    }

    /// A JSON integer in `range`.
    public func int(_ name: String, in range: ClosedRange<Int>, required: Bool = false) throws(APIError) -> Int? {
        let value = required ? try self.required(name) : try self.value(name)
        guard let value else { return nil }
        guard let literal = value.integerLiteral, let number = literal, range.contains(number) else { throw .invalid(field(name)) }
        return number
    }

    /// One of a catalogue's spellings.
    public func catalogue<T: RawRepresentable<String>>(_ name: String, _ type: T.Type, required: Bool = false) throws(APIError) -> T? {
        guard let text = try string(name, required: required) else { return nil }
        guard let value = T(rawValue: text) else { throw .invalid(field(name)) }
        return value
    }

    /// One of `allowed`.
    public func oneOf(_ name: String, _ allowed: [String], required: Bool = false) throws(APIError) -> String? {
        guard let text = try string(name, required: required) else { return nil }
        guard allowed.contains(text) else { throw .invalid(field(name)) }
        return text
    }

    /// A task ID: a string of 1–64 characters.
    public func taskID(_ name: String) throws(APIError) -> String {
        try BatchRequest.taskID(try required(name), field: field(name))
    }
}

/// The `jobs` list every batch endpoint carries, and the rules shared by all of them.
public enum BatchRequest {
    /// Most items per request.
    public static let maxItems = 10
    public static let maxIDLength = 64

    /// The request object's members.
    public static func fields(_ body: some Collection<UInt8>) throws(APIError) -> PathFields {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw APIError(.invalidRequest)
        }
        guard document.objectMembers != nil else { throw APIError(.invalidRequest) }
        return try PathFields(document, path: "")
    }

    /// `jobs`: present, an array of 1–10 items.
    public static func jobs(_ fields: PathFields) throws(APIError) -> [JSONValue] {
        guard let value = try fields.value("jobs") else { throw .empty("jobs") }
        guard case .array(let items) = value else { throw .invalid("jobs") }
        guard !items.isEmpty else { throw .empty("jobs") }
        guard items.count <= maxItems else { throw .invalid("jobs") }
        return items
    }

    /// `jobs` as task IDs; the same ID twice is `DRS.M00301`.
    public static func ids(_ fields: PathFields) throws(APIError) -> [String] {
        var ids: [String] = []
        for (index, item) in try jobs(fields).enumerated() {
            if item == .null || item == .string("") { throw .empty("jobs[\(index)]") }
            ids.append(try taskID(item, field: "jobs[\(index)]"))
        }
        try unique(ids)
        return ids
    }

    /// Each item's fields.
    public static func items(_ fields: PathFields) throws(APIError) -> [PathFields] {
        var items: [PathFields] = []
        for (index, item) in try jobs(fields).enumerated() { items.append(try PathFields(item, path: "jobs[\(index)]")) }
        return items
    }

    public static func taskID(_ value: JSONValue, field: String) throws(APIError) -> String {
        guard case .string(let id) = value, (1...maxIDLength).contains(id.count) else { throw .invalid(field) }
        return id
    }

    /// `DRS.M00301` when a key repeats.
    public static func unique(_ keys: [some Hashable]) throws(APIError) {
        guard Set(keys).count == keys.count else { throw APIError(.duplicate, detail: "jobs") }
    }
}
