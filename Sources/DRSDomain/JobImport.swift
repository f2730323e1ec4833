import Foundation

/// The import format of `data-and-cli.md`: `{"jobs": [record, …]}`, checked whole before anything is written.

/// Why an import document was refused: where (`jobs[3].children[0].status`) and what.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

public enum JobImport {
    /// Longest accepted task ID and name, in characters.
    public static let maxIDLength = 64
    public static let maxNameLength = 255

    /// Parses and checks a whole import document.
    /// - Parameters:
    ///   - now: `create_time` for records without one.
    ///   - makeID: generates IDs for records without one.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        now: Int64,
        makeID: @Sendable () -> String = JobID.generate
    ) throws(ImportError) -> [JobRecord] {
        let bytes = Array(bytes)
        if bytes.count >= parallelMinimumBytes, let records = parseInParallel(bytes, now: now, makeID: makeID) {
            return try checked(records)
        }
        return try parseWhole(bytes, now: now, makeID: makeID)
    }

    /// Parses the document in one piece.
    static func parseWhole(_ bytes: [UInt8], now: Int64, makeID: () -> String) throws(ImportError) -> [JobRecord] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, maxDepth: maxDepth)
        } catch {
            throw ImportError(path: "document", reason: "not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        guard let members = document.objectMembers, let jobsValue = members.last(where: { $0.key == "jobs" })?.value,
            case .array(let elements) = jobsValue
        else {
            throw ImportError(path: "document", reason: "expected an object {\"jobs\": [...]}")
        }
        // Each record is checked, duplicates included, before the next is read: the first problem in document order is
        // the one reported.
        var records: [JobRecord] = []
        var seen: [String: String] = [:]
        for (index, element) in elements.enumerated() {
            records.append(try parseRecord(element, path: "jobs[\(index)]", now: now, makeID: makeID, allowChildren: true))
            try check(&records[index], at: index, seen: &seen)
        }
        return records
    }

    /// Nesting allowed in a document: the object, the `jobs` array, a record, its children, a child, its tags.
    static let maxDepth = 16
    /// Documents at least this large are parsed in pieces, one per processor.
    static let parallelMinimumBytes = 1 << 20

    /// The records of a well-formed document, parsed in as many pieces as there are processors; nil when anything is
    /// wrong with it (the caller then parses it whole, for the exact error).
    static func parseInParallel(_ bytes: [UInt8], now: Int64, makeID: @Sendable () -> String) -> [JobRecord]? {
        guard let elements = bytes.withUnsafeBufferPointer({ JSONScan.elements(ofMember: "jobs", in: $0) }) else { return nil }
        let pieces = max(1, min(ProcessInfo.processInfo.activeProcessorCount, elements.count / 1_000))
        let results = ParallelResults<[JobRecord]?>(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            let range = (elements.count * piece / pieces)..<(elements.count * (piece + 1) / pieces)
            var records: [JobRecord] = []
            records.reserveCapacity(range.count)
            for index in range {
                // The element, two levels down in the document.
                guard let value = try? JSONParser.parse(bytes[elements[index]], maxDepth: maxDepth - 2),
                    let record = try? parseRecord(value, path: "jobs[\(index)]", now: now, makeID: makeID, allowChildren: true)
                else { return results.set(piece, nil) }
                records.append(record)
            }
            results.set(piece, records)
        }
        var records: [JobRecord] = []
        records.reserveCapacity(elements.count)
        for piece in results.values {
            guard let piece else { return nil }
            records += piece
        }
        return records
    }

    /// Refuses IDs given twice (children included), and puts children in child order.
    private static func checked(_ records: [JobRecord]) throws(ImportError) -> [JobRecord] {
        var records = records
        var seen: [String: String] = [:]
        seen.reserveCapacity(records.count)
        for index in records.indices { try check(&records[index], at: index, seen: &seen) }
        return records
    }

    private static func check(_ record: inout JobRecord, at index: Int, seen: inout [String: String]) throws(ImportError) {
        let path = "jobs[\(index)]"
        for (childIndex, child) in record.children.enumerated() {
            try remember(child.id, at: "\(path).children[\(childIndex)].id", in: &seen)
        }
        try remember(record.id, at: "\(path).id", in: &seen)
        record.children.sort(by: JobRecord.childOrder)
    }

    private static func remember(_ id: String, at path: String, in seen: inout [String: String]) throws(ImportError) {
        if let first = seen[id] {
            throw ImportError(path: path, reason: "duplicate id \"\(id)\" (also at \(first))")
        }
        seen[id] = path
    }

    static func parseRecord(
        _ value: JSONValue,
        path: String,
        now: Int64,
        makeID: () -> String,
        allowChildren: Bool
    ) throws(ImportError) -> JobRecord {
        guard let members = value.objectMembers else { throw ImportError(path: path, reason: "expected an object") }
        let fields = RecordFields(members: members, path: path)

        let id = try fields.string("id") ?? makeID()
        guard !id.isEmpty, id.count <= maxIDLength, id.unicodeScalars.allSatisfy(JobID.isAllowed) else {
            throw fields.error("id", "must be 1-\(maxIDLength) characters of A-Z, a-z, 0-9, '-', '_' or '.'")
        }
        guard let name = try fields.string("name") else { throw fields.error("name", "is required") }
        guard !name.isEmpty, name.unicodeScalars.count <= maxNameLength else {
            throw fields.error("name", "must be 1-\(maxNameLength) characters")
        }
        let createTime: Int64
        if let text = try fields.string("create_time") {
            guard let milliseconds = Timestamp.milliseconds(text) else {
                throw fields.error("create_time", "must be a UTC time written yyyy-MM-dd HH:mm:ss")
            }
            createTime = milliseconds
        } else {
            createTime = now
        }
        var record = JobRecord(
            id: id,
            name: name,
            status: try fields.required("status", JobStatus.self),
            createTime: createTime,
            engineType: try fields.required("engine_type", EngineType.self),
            netType: try fields.required("net_type", NetType.self),
            jobDirection: try fields.required("job_direction", JobDirection.self),
            dbUseType: try fields.required("db_use_type", DBUseType.self),
            taskType: try fields.required("task_type", TaskType.self)
        )
        record.description = try fields.string("description") ?? ""
        if let message = try fields.string("error_msg"), !message.isEmpty { record.errorMessage = message }
        record.billingTag = try fields.bool("billing_tag") ?? false
        record.nodeNewFramework = try fields.bool("node_newFramework") ?? false
        if let project = try fields.string("enterprise_project_id") {
            guard !project.isEmpty else { throw fields.error("enterprise_project_id", "must not be empty") }
            record.enterpriseProjectID = project
        }
        record.chargingMode = try fields.optional("charging_mode", ChargingMode.self) ?? .onDemand
        record.currentAction = try fields.optional("current_action", CurrentAction.self)
        if let tags = try fields.value("tags") {
            do {
                record.tags = try TagRules.parse(tags, field: "tags").map { JobRecord.Tag(key: $0.key, value: $0.value) }
            } catch {
                throw fields.error("tags", error.message(in: .enUS))
            }
        }
        record.sourceInstance = try instance(fields, "source_instance")
        record.targetInstance = try instance(fields, "target_instance")
        record.kept = try KeptLifeImport.parse(members, path: path)
        if let children = try fields.value("children") {
            guard case .array(let elements) = children else { throw fields.error("children", "must be an array") }
            guard allowChildren || elements.isEmpty else { throw fields.error("children", "a subtask cannot have subtasks") }
            for (index, element) in elements.enumerated() {
                record.children.append(
                    try parseRecord(element, path: "\(path).children[\(index)]", now: now, makeID: makeID, allowChildren: false)
                )
            }
        }
        return record
    }

    private static func instance(_ fields: RecordFields, _ name: String) throws(ImportError) -> JobRecord.Instance? {
        guard let value = try fields.value(name) else { return nil }
        guard let members = value.objectMembers else { throw fields.error(name, "must be an object {\"id\", \"ip\"}") }
        let inner = RecordFields(members: members, path: "\(fields.path).\(name)")
        let id = try inner.string("id")
        if let id, id.isEmpty { throw inner.error("id", "must not be empty") }
        var ip: String?
        if let text = try inner.string("ip"), !text.isEmpty {
            guard let canonical = IPAddress.canonical(text) else { throw inner.error("ip", "\"\(text)\" is not an IP address") }
            ip = canonical
        }
        return id == nil && ip == nil ? nil : JobRecord.Instance(id: id, ip: ip)
    }
}

/// Typed access to a record's members, with errors that name the record and field.
struct RecordFields {
    let members: [(key: String, value: JSONValue)]
    let path: String

    func error(_ field: String, _ reason: String) -> ImportError {
        ImportError(path: "\(path).\(field)", reason: reason)
    }

    /// The member's value; nil when absent or null. The last of repeated members wins, as in most JSON readers.
    func value(_ name: String) throws(ImportError) -> JSONValue? {
        guard let value = members.last(where: { $0.key == name })?.value, value != .null else { return nil }
        return value
    }

    func string(_ name: String) throws(ImportError) -> String? {
        guard let value = try value(name) else { return nil }
        guard case .string(let text) = value else { throw error(name, "must be a string") }
        return text
    }

    func bool(_ name: String) throws(ImportError) -> Bool? {
        guard let value = try value(name) else { return nil }
        guard case .bool(let flag) = value else { throw error(name, "must be true or false") }
        return flag
    }

    func optional<T: RawRepresentable<String> & CaseIterable>(_ name: String, _ type: T.Type) throws(ImportError) -> T? {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(name, "\"\(text)\" is not one of: \(allowed)")
        }
        return value
    }

    func required<T: RawRepresentable<String> & CaseIterable>(_ name: String, _ type: T.Type) throws(ImportError) -> T {
        guard let value = try optional(name, type) else { throw error(name, "is required") }
        return value
    }
}

/// One result per piece of a parallel job, each set by its own piece.
final class ParallelResults<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        lock.withLock { storage[index] = value }
    }

    var values: [Value] { lock.withLock { storage.map { $0! } } }
}
