import DRSDomain
import DRSStorage
import NIOCore

/// Writes task lists in the wire format of `query-jobs.md` §4 straight from the database's rows into a `ByteBuffer`.
///
/// This is the hot path, so it avoids `Codable` and `String`s; the SDK end-to-end tests parse what it writes.
enum JobsJSON {
    /// `{"total_record":N,"jobs":[`
    static func writeHead(total: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"total_record\":")
        buffer.writeString(String(total))
        buffer.writeStaticString(",\"jobs\":[")
    }

    /// `]}`
    static func writeTail(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("]}")
    }

    /// A whole page.
    static func page(total: Int, rows: any TaskRowCursor, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 16_384)
        writeHead(total: total, into: &buffer)
        _ = try writeTasks(rows, first: true, into: &buffer)
        writeTail(into: &buffer)
        return buffer
    }

    /// Writes every row of `rows` as `JobInfo` objects, subtasks in `children`, comma-separated; `first` says whether the
    /// list is still empty. Returns whether anything was written.
    static func writeTasks(_ rows: any TaskRowCursor, first: Bool, into buffer: inout ByteBuffer) throws -> Bool {
        var first = first
        var wrote = false
        // What the open task still needs after its children: its node_newFramework and job_action.
        var openTail: (nodeNewFramework: Bool, actions: Int)?
        var childrenOpen = false
        func closeTask(into buffer: inout ByteBuffer) {
            guard let tail = openTail else { return }
            if childrenOpen { buffer.writeInteger(UInt8(ascii: "]")) }
            buffer.writeStaticString(",\"node_newFramework\":")
            buffer.writeJSONBool(tail.nodeNewFramework)
            buffer.writeStaticString(",\"job_action\":")
            buffer.writeBytes(ActionFragments.table[tail.actions])
            buffer.writeInteger(UInt8(ascii: "}"))
            openTail = nil
            childrenOpen = false
        }
        while let kind = try rows.next() {
            switch kind {
            case .task:
                closeTask(into: &buffer)
                if !first { buffer.writeInteger(UInt8(ascii: ",")) }
                first = false
                wrote = true
                try writeLeadingFields(rows, into: &buffer)
                openTail = (rows.nodeNewFramework, try actions(rows))
            case .child:
                buffer.writeStaticString(childrenOpen ? "," : ",\"children\":[")
                childrenOpen = true
                try writeChild(rows, into: &buffer)
            }
        }
        closeTask(into: &buffer)
        return wrote
    }

    /// `{"id"` through `"task_type"` of `JobInfo`, in that order; `error_msg` only when the task has one.
    static func writeLeadingFields(_ row: any TaskRowView, into buffer: inout ByteBuffer) throws {
        buffer.writeStaticString("{\"id\":")
        buffer.writeJSONString(row.text(.id))
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(row.text(.name))
        buffer.writeStaticString(",\"status\":")
        try buffer.writeCatalogue(row.code(.status), Spellings.status)
        buffer.writeStaticString(",\"description\":")
        buffer.writeJSONString(row.text(.description))
        buffer.writeStaticString(",\"create_time\":")
        buffer.writeCreateTime(row.createTime)
        if row.hasErrorMessage {
            buffer.writeStaticString(",\"error_msg\":")
            buffer.writeJSONString(row.text(.errorMessage))
        }
        buffer.writeStaticString(",\"engine_type\":")
        try buffer.writeCatalogue(row.code(.engine), Spellings.engine)
        buffer.writeStaticString(",\"net_type\":")
        try buffer.writeCatalogue(row.code(.net), Spellings.net)
        buffer.writeStaticString(",\"billing_tag\":")
        buffer.writeJSONBool(row.billingTag)
        buffer.writeStaticString(",\"job_direction\":")
        try buffer.writeCatalogue(row.code(.direction), Spellings.direction)
        buffer.writeStaticString(",\"db_use_type\":")
        try buffer.writeCatalogue(row.code(.use), Spellings.use)
        buffer.writeStaticString(",\"task_type\":")
        try buffer.writeCatalogue(row.code(.taskType), Spellings.taskType)
    }

    /// `ChildrenJobInfo`, keys in the SDK model's order; every key is present (`error_msg` is `""` when none).
    static func writeChild(_ row: any TaskRowView, into buffer: inout ByteBuffer) throws {
        buffer.writeStaticString("{\"billing_tag\":")
        buffer.writeJSONBool(row.billingTag)
        buffer.writeStaticString(",\"create_time\":")
        buffer.writeCreateTime(row.createTime)
        buffer.writeStaticString(",\"db_use_type\":")
        try buffer.writeCatalogue(row.code(.use), Spellings.use)
        buffer.writeStaticString(",\"description\":")
        buffer.writeJSONString(row.text(.description))
        buffer.writeStaticString(",\"engine_type\":")
        try buffer.writeCatalogue(row.code(.engine), Spellings.engine)
        buffer.writeStaticString(",\"error_msg\":")
        buffer.writeJSONString(row.text(.errorMessage))
        buffer.writeStaticString(",\"id\":")
        buffer.writeJSONString(row.text(.id))
        buffer.writeStaticString(",\"job_direction\":")
        try buffer.writeCatalogue(row.code(.direction), Spellings.direction)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(row.text(.name))
        buffer.writeStaticString(",\"net_type\":")
        try buffer.writeCatalogue(row.code(.net), Spellings.net)
        buffer.writeStaticString(",\"node_newFramework\":")
        buffer.writeJSONBool(row.nodeNewFramework)
        buffer.writeStaticString(",\"status\":")
        try buffer.writeCatalogue(row.code(.status), Spellings.status)
        buffer.writeStaticString(",\"task_type\":")
        try buffer.writeCatalogue(row.code(.taskType), Spellings.taskType)
        buffer.writeStaticString(",\"job_action\":")
        buffer.writeBytes(ActionFragments.table[try actions(row)])
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// The ``ActionFragments`` entry of a row.
    static func actions(_ row: any TaskRowView) throws -> Int {
        guard
            let index = ActionFragments.index(
                status: row.code(.status),
                use: row.code(.use),
                engine: row.code(.engine),
                charging: row.code(.charging),
                current: row.code(.currentAction)
            )
        else { throw StoreError.corrupt("task \(row.string(.id)): a catalogue code out of range") }
        return index
    }
}

/// Each catalogue's values as JSON strings, by code, ready to copy.
enum Spellings {
    static func quoted<T: CatalogueValue>(_ type: T.Type) -> [[UInt8]] { T.ordered.map { Array("\"\($0.rawValue)\"".utf8) } }

    static let status = quoted(JobStatus.self)
    static let engine = quoted(EngineType.self)
    static let net = quoted(NetType.self)
    static let direction = quoted(JobDirection.self)
    static let use = quoted(DBUseType.self)
    static let taskType = quoted(TaskType.self)
}

extension ByteBuffer {
    /// A catalogue value by code, as a JSON string; an unknown code is corrupt data.
    mutating func writeCatalogue(_ code: Int, _ spellings: [[UInt8]]) throws {
        guard spellings.indices.contains(code) else { throw StoreError.corrupt("catalogue code \(code) out of range") }
        writeBytes(spellings[code])
    }

    /// `"yyyy-MM-dd HH:mm:ss"` for milliseconds since 1970.
    mutating func writeCreateTime(_ milliseconds: Int64) {
        writeInteger(UInt8(ascii: "\""))
        Timestamp.withText(milliseconds: milliseconds) { writeBytes($0) }
        writeInteger(UInt8(ascii: "\""))
    }
}
