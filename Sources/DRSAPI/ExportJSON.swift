import DRSDomain
import NIOCore

/// Writes tasks in the import format of `data-and-cli.md`, every field spelled out, so that
/// `drs jobs export` then `drs jobs import` reproduces the same tasks.
public enum ExportJSON {
    public static let head = "{\"jobs\": [\n"
    public static let tail = "\n]}\n"

    /// Records separated by `,\n`; `first` says whether nothing was written yet.
    public static func records(_ jobs: [JobRecord], first: Bool) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024 * jobs.count)
        for (index, job) in jobs.enumerated() {
            if !(first && index == 0) { buffer.writeStaticString(",\n") }
            write(job, into: &buffer)
        }
        return buffer
    }

    static func write(_ job: JobRecord, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"id\":")
        buffer.writeJSONString(job.id)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(job.name)
        buffer.writeStaticString(",\"status\":")
        buffer.writeJSONString(job.status.rawValue)
        buffer.writeStaticString(",\"description\":")
        buffer.writeJSONString(job.description)
        buffer.writeStaticString(",\"create_time\":")
        // To the millisecond when it has them (tasks created through the API), so that an import restores the instant.
        let milliseconds = Int((job.createTime % 1000 + 1000) % 1000)
        if milliseconds == 0 {
            buffer.writeCreateTime(job.createTime)
        } else {
            buffer.writeInteger(UInt8(ascii: "\""))
            _ = Timestamp.withText(milliseconds: job.createTime) { buffer.writeBytes($0) }
            buffer.writeString("." + String(String(milliseconds + 1000).dropFirst()) + "\"")
        }
        buffer.writeStaticString(",\"error_msg\":")
        writeOptional(job.errorMessage, into: &buffer)
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
        buffer.writeStaticString(",\"node_newFramework\":")
        buffer.writeJSONBool(job.nodeNewFramework)
        buffer.writeStaticString(",\"enterprise_project_id\":")
        buffer.writeJSONString(job.enterpriseProjectID)
        buffer.writeStaticString(",\"charging_mode\":")
        buffer.writeJSONString(job.chargingMode.rawValue)
        buffer.writeStaticString(",\"current_action\":")
        writeOptional(job.currentAction?.rawValue, into: &buffer)
        buffer.writeStaticString(",\"tags\":{")
        for (index, tag) in job.tags.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONString(tag.key)
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeJSONString(tag.value)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
        buffer.writeStaticString(",\"source_instance\":")
        writeInstance(job.sourceInstance, into: &buffer)
        buffer.writeStaticString(",\"target_instance\":")
        writeInstance(job.targetInstance, into: &buffer)
        if let kept = job.kept {
            for (key, value) in KeptLifeImport.members(kept) {
                buffer.writeInteger(UInt8(ascii: ","))
                buffer.writeJSONString(key)
                buffer.writeInteger(UInt8(ascii: ":"))
                var bytes: [UInt8] = []
                value.write(into: &bytes)
                buffer.writeBytes(bytes)
            }
        }
        buffer.writeStaticString(",\"children\":[")
        for (index, child) in job.children.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            write(child, into: &buffer)
        }
        buffer.writeStaticString("]}")
    }

    private static func writeOptional(_ value: String?, into buffer: inout ByteBuffer) {
        if let value { buffer.writeJSONString(value) } else { buffer.writeStaticString("null") }
    }

    private static func writeInstance(_ instance: JobRecord.Instance?, into buffer: inout ByteBuffer) {
        guard let instance else {
            buffer.writeStaticString("null")
            return
        }
        buffer.writeStaticString("{\"id\":")
        writeOptional(instance.id, into: &buffer)
        buffer.writeStaticString(",\"ip\":")
        writeOptional(instance.ip, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "}"))
    }
}
