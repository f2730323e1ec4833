import DRSDomain
import Foundation

/// Import documents large enough for the batched path (``JobImportBatches``: 1 MiB and more).
public enum ImportDocuments {
    /// `count` records `big-0` … (one create time a minute, oldest first when `ascending`), each with a tag, instances
    /// and, every tenth, a child. `replacing` puts those IDs on the first records instead; `broken` gives that record an
    /// unknown status; `duplicate` gives that record the ID of record 0.
    public static func large(
        _ count: Int = 2_500,
        ascending: Bool = true,
        replacing: [String] = [],
        broken: Int? = nil,
        duplicate: Int? = nil
    ) -> [UInt8] {
        let records = (0..<count).map { index -> String in
            let minute = ascending ? index : count - 1 - index
            let time =
                "2024-01-\(String(format: "%02d", 1 + minute / 1440)) \(String(format: "%02d", minute / 60 % 24)):\(String(format: "%02d", minute % 60)):00"
            let id = index == duplicate ? "big-0" : index < replacing.count ? replacing[index] : "big-\(index)"
            let status = index == broken ? "RUNNING" : index % 3 == 0 ? "CONFIGURATION" : "INCRE_TRANSFER_STARTED"
            let child =
                index % 10 == 0
                ? #","children":[{"id":"\#(id)-c","name":"child","status":"CHILD_TRANSFER_STARTED","engine_type":"mysql","net_type":"eip","job_direction":"up","db_use_type":"sync","task_type":"FULL_TRANS","create_time":"\#(time)"}]"#
                : ""
            return
                #"{"id":"\#(id)","name":"bulk-\#(index)-\#(index % 7 == 0 ? "seven" : "other")","status":"\#(status)","engine_type":"mysql","net_type":"eip","job_direction":"up","db_use_type":"sync","task_type":"FULL_TRANS","create_time":"\#(time)","description":"\#(String(repeating: "d", count: 200))","tags":{"env":"\#(index % 2 == 0 ? "prod" : "test")"},"source_instance":{"id":"src-\#(index % 50)","ip":"10.1.\#(index % 200).\#(index % 250 + 1)"}\#(child)}"#
        }
        return Array(#"{"jobs":["#.utf8) + Array(records.joined(separator: ",\n").utf8) + Array("]}".utf8)
    }
}
