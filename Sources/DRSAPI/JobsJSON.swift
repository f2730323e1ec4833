import DRSDomain
import DRSStorage
import NIOCore

/// Writes task lists in the wire format of `query-jobs.md` §4 straight into a `ByteBuffer`.
///
/// This is the hot path, so it avoids `Codable`; the SDK end-to-end tests parse what it writes.
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

    /// Top-level tasks, comma-separated; `first` says whether the list is still empty.
    static func writeJobs(_ jobs: [JobRecord], first: Bool, into buffer: inout ByteBuffer) {
        for (index, job) in jobs.enumerated() {
            if !(first && index == 0) { buffer.writeInteger(UInt8(ascii: ",")) }
            writeJob(job, into: &buffer)
        }
    }

    /// A whole page.
    static func page(_ page: JobPage, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 2048 * max(1, page.jobs.count))
        writeHead(total: page.total, into: &buffer)
        writeJobs(page.jobs, first: true, into: &buffer)
        writeTail(into: &buffer)
        return buffer
    }

    /// `JobInfo`, keys in the documented order.
    static func writeJob(_ job: JobRecord, into buffer: inout ByteBuffer) {
        writeLeadingFields(job, nullErrorMessage: false, into: &buffer)
        if !job.children.isEmpty {
            buffer.writeStaticString(",\"children\":[")
            for (index, child) in job.children.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                writeChild(child, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        }
        buffer.writeStaticString(",\"node_newFramework\":")
        buffer.writeJSONBool(job.nodeNewFramework)
        buffer.writeStaticString(",\"job_action\":")
        writeActions(job.actions, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// `{"id"` through `"task_type"`, the keys that the answer and the import format share, in that order.
    /// `error_msg` is left out when the task has none, or written as `null` when `nullErrorMessage`.
    static func writeLeadingFields(_ job: JobRecord, nullErrorMessage: Bool, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"id\":")
        buffer.writeJSONString(job.id)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(job.name)
        buffer.writeStaticString(",\"status\":")
        buffer.writeJSONString(job.status.rawValue)
        buffer.writeStaticString(",\"description\":")
        buffer.writeJSONString(job.description)
        buffer.writeStaticString(",\"create_time\":")
        buffer.writeJSONString(job.createTime)
        if let message = job.errorMessage {
            buffer.writeStaticString(",\"error_msg\":")
            buffer.writeJSONString(message)
        } else if nullErrorMessage {
            buffer.writeStaticString(",\"error_msg\":null")
        }
        buffer.writeStaticString(",\"engine_type\":")
        buffer.writeJSONString(job.engineType.rawValue)
        buffer.writeStaticString(",\"net_type\":")
        buffer.writeJSONString(job.netType.rawValue)
        buffer.writeStaticString(",\"billing_tag\":")
        buffer.writeJSONBool(job.billingTag)
        buffer.writeStaticString(",\"job_direction\":")
        buffer.writeJSONString(job.jobDirection.rawValue)
        buffer.writeStaticString(",\"db_use_type\":")
        buffer.writeJSONString(job.dbUseType.rawValue)
        buffer.writeStaticString(",\"task_type\":")
        buffer.writeJSONString(job.taskType.rawValue)
    }

    /// `ChildrenJobInfo`, keys in the SDK model's order; every key is present (`error_msg` is `""` when none).
    static func writeChild(_ job: JobRecord, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"billing_tag\":")
        buffer.writeJSONBool(job.billingTag)
        buffer.writeStaticString(",\"create_time\":")
        buffer.writeJSONString(job.createTime)
        buffer.writeStaticString(",\"db_use_type\":")
        buffer.writeJSONString(job.dbUseType.rawValue)
        buffer.writeStaticString(",\"description\":")
        buffer.writeJSONString(job.description)
        buffer.writeStaticString(",\"engine_type\":")
        buffer.writeJSONString(job.engineType.rawValue)
        buffer.writeStaticString(",\"error_msg\":")
        buffer.writeJSONString(job.errorMessage ?? "")
        buffer.writeStaticString(",\"id\":")
        buffer.writeJSONString(job.id)
        buffer.writeStaticString(",\"job_direction\":")
        buffer.writeJSONString(job.jobDirection.rawValue)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(job.name)
        buffer.writeStaticString(",\"net_type\":")
        buffer.writeJSONString(job.netType.rawValue)
        buffer.writeStaticString(",\"node_newFramework\":")
        buffer.writeJSONBool(job.nodeNewFramework)
        buffer.writeStaticString(",\"status\":")
        buffer.writeJSONString(job.status.rawValue)
        buffer.writeStaticString(",\"task_type\":")
        buffer.writeJSONString(job.taskType.rawValue)
        buffer.writeStaticString(",\"job_action\":")
        writeActions(job.actions, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    static func writeActions(_ actions: JobActions, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"available_actions\":")
        writeActionList(actions.available, into: &buffer)
        buffer.writeStaticString(",\"unavailable_actions\":")
        writeActionList(actions.unavailable, into: &buffer)
        if let current = actions.currentAction {
            buffer.writeStaticString(",\"current_action\":")
            buffer.writeJSONString(current.rawValue)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    static func writeActionList(_ actions: ActionSet, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "["))
        // Bit i of the set is action i of the catalogue (ActionSet's iteration order).
        var remaining = actions.bits
        var first = true
        while remaining != 0 {
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeBytes(actionFragments[remaining.trailingZeroBitCount])
            remaining &= remaining - 1
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// Each action of the catalogue as a JSON string, ready to copy.
    static let actionFragments: [[UInt8]] = JobActionName.allCases.map { Array("\"\($0.rawValue)\"".utf8) }
}
