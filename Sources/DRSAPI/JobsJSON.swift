import DRSDomain
import DRSStorage
import NIOCore

/// Writes task lists in the wire format of `query-jobs.md` §4 straight from the database's rows into a `ByteBuffer`.
///
/// This is the hot path, so it avoids `Codable` and `String`s: each task is written into raw memory sized for it
/// (``RawJSON``). The SDK end-to-end tests parse what it writes.
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
        var openTail: TaskTail?
        var childrenOpen = false
        func closeTask(into buffer: inout ByteBuffer) {
            guard let tail = openTail else { return }
            buffer.writeRawJSON(atMost: 64 + tail.actions.count) { json in
                if childrenOpen { json.byte(UInt8(ascii: "]")) }
                json.raw(",\"node_newFramework\":")
                json.bool(tail.nodeNewFramework)
                json.raw(",\"job_action\":")
                json.raw(tail.actions)
                json.byte(UInt8(ascii: "}"))
            }
            openTail = nil
            childrenOpen = false
        }
        while let kind = try rows.next() {
            switch kind {
            case .task:
                closeTask(into: &buffer)
                let separator = !first
                first = false
                wrote = true
                let texts = RowTexts(rows)
                try buffer.writeRawJSON(atMost: 320 + texts.bound) { json in
                    if separator { json.byte(UInt8(ascii: ",")) }
                    try writeLeadingFields(rows, texts, into: &json)
                }
                openTail = TaskTail(nodeNewFramework: rows.nodeNewFramework, actions: try actions(rows))
            case .child:
                let opening = !childrenOpen
                childrenOpen = true
                let actions = try actions(rows)
                let texts = RowTexts(rows)
                try buffer.writeRawJSON(atMost: 480 + texts.bound + actions.count) { json in
                    if opening { json.raw(",\"children\":[") } else { json.byte(UInt8(ascii: ",")) }
                    try writeChild(rows, texts, actions: actions, into: &json)
                }
            }
        }
        closeTask(into: &buffer)
        return wrote
    }

    /// The keys of a task written after its children.
    struct TaskTail {
        var nodeNewFramework: Bool
        var actions: UnsafeRawBufferPointer
    }

    /// The text columns of a row, read once.
    struct RowTexts {
        var id, name, description, errorMessage: UnsafeRawBufferPointer

        init(_ row: any TaskRowView) {
            id = row.text(.id)
            name = row.text(.name)
            description = row.text(.description)
            errorMessage = row.text(.errorMessage)
        }

        /// The most bytes they take as JSON strings.
        var bound: Int {
            RawJSON.stringBound(id.count) + RawJSON.stringBound(name.count) + RawJSON.stringBound(description.count)
                + RawJSON.stringBound(errorMessage.count)
        }
    }

    /// `{"id"` through `"task_type"` of `JobInfo`, in that order; `error_msg` only when the task has one.
    static func writeLeadingFields(_ row: any TaskRowView, _ texts: RowTexts, into json: inout RawJSON) throws {
        json.raw("{\"id\":")
        json.string(texts.id)
        json.raw(",\"name\":")
        json.string(texts.name)
        json.raw(",\"status\":")
        try json.catalogue(row.code(.status), Spellings.status)
        json.raw(",\"description\":")
        json.string(texts.description)
        json.raw(",\"create_time\":")
        json.createTime(row.createTime)
        if row.hasErrorMessage {
            json.raw(",\"error_msg\":")
            json.string(texts.errorMessage)
        }
        json.raw(",\"engine_type\":")
        try json.catalogue(row.code(.engine), Spellings.engine)
        json.raw(",\"net_type\":")
        try json.catalogue(row.code(.net), Spellings.net)
        json.raw(",\"billing_tag\":")
        json.bool(row.billingTag)
        json.raw(",\"job_direction\":")
        try json.catalogue(row.code(.direction), Spellings.direction)
        json.raw(",\"db_use_type\":")
        try json.catalogue(row.code(.use), Spellings.use)
        json.raw(",\"task_type\":")
        try json.catalogue(row.code(.taskType), Spellings.taskType)
    }

    /// `ChildrenJobInfo`, keys in the SDK model's order; every key is present (`error_msg` is `""` when none).
    static func writeChild(_ row: any TaskRowView, _ texts: RowTexts, actions: UnsafeRawBufferPointer, into json: inout RawJSON) throws {
        json.raw("{\"billing_tag\":")
        json.bool(row.billingTag)
        json.raw(",\"create_time\":")
        json.createTime(row.createTime)
        json.raw(",\"db_use_type\":")
        try json.catalogue(row.code(.use), Spellings.use)
        json.raw(",\"description\":")
        json.string(texts.description)
        json.raw(",\"engine_type\":")
        try json.catalogue(row.code(.engine), Spellings.engine)
        json.raw(",\"error_msg\":")
        json.string(texts.errorMessage)
        json.raw(",\"id\":")
        json.string(texts.id)
        json.raw(",\"job_direction\":")
        try json.catalogue(row.code(.direction), Spellings.direction)
        json.raw(",\"name\":")
        json.string(texts.name)
        json.raw(",\"net_type\":")
        try json.catalogue(row.code(.net), Spellings.net)
        json.raw(",\"node_newFramework\":")
        json.bool(row.nodeNewFramework)
        json.raw(",\"status\":")
        try json.catalogue(row.code(.status), Spellings.status)
        json.raw(",\"task_type\":")
        try json.catalogue(row.code(.taskType), Spellings.taskType)
        json.raw(",\"job_action\":")
        json.raw(actions)
        json.byte(UInt8(ascii: "}"))
    }

    /// The `job_action` object of a row (``ActionFragments``).
    static func actions(_ row: any TaskRowView) throws -> UnsafeRawBufferPointer {
        guard
            let index = ActionFragments.index(
                status: row.code(.status),
                use: row.code(.use),
                engine: row.code(.engine),
                charging: row.code(.charging),
                current: row.code(.currentAction)
            ),
            let fragment = ActionFragments.table.bytes(index)
        else { throw StoreError.corrupt("task \(row.string(.id)): a catalogue code out of range") }
        return fragment
    }
}

/// Each catalogue's values as JSON strings, by code, ready to copy (at most 40 bytes each).
enum Spellings {
    static func quoted<T: CatalogueValue>(_ type: T.Type) -> ByteTable { ByteTable(T.ordered.map { Array("\"\($0.rawValue)\"".utf8) }) }

    static let status = quoted(JobStatus.self)
    static let engine = quoted(EngineType.self)
    static let net = quoted(NetType.self)
    static let direction = quoted(JobDirection.self)
    static let use = quoted(DBUseType.self)
    static let taskType = quoted(TaskType.self)
}

extension RawJSON {
    /// A catalogue value by code, as a JSON string; an unknown code is corrupt data.
    mutating func catalogue(_ code: Int, _ spellings: ByteTable) throws {
        guard let bytes = spellings.bytes(code) else { throw StoreError.corrupt("catalogue code \(code) out of range") }
        raw(bytes)
    }
}

extension ByteBuffer {
    /// `"yyyy-MM-dd HH:mm:ss"` for milliseconds since 1970.
    mutating func writeCreateTime(_ milliseconds: Int64) {
        writeInteger(UInt8(ascii: "\""))
        _ = Timestamp.withText(milliseconds: milliseconds) { writeBytes($0) }
        writeInteger(UInt8(ascii: "\""))
    }
}
